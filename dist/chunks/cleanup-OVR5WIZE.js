import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);
import {
  deleteRun,
  loadClusterAccess
} from "./chunk-JJZRMRL4.js";
import "./chunk-7VG5NXZU.js";

// src/target/kubernetes/cleanup.ts
async function deleteSavedRun(saved, waitS) {
  const state = saved.run;
  const access = loadClusterAccess(state);
  const { gone } = await deleteRun(access, state, waitS);
  const what = state.ephemeral ? `namespace ${state.namespace}` : `${state.objects.length} objects in namespace ${state.namespace}`;
  return gone ? `deleted ${what} (context ${access.context})` : `deleting ${what} (context ${access.context}); still terminating after ${waitS} s`;
}
export {
  deleteSavedRun
};
//# sourceMappingURL=cleanup-OVR5WIZE.js.map
