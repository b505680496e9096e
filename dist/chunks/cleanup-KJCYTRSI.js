import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);
import {
  deleteRun,
  loadClusterAccess
} from "./chunk-G2F3G5YP.js";
import {
  external_exports
} from "./chunk-IGG7X3JS.js";

// src/target/kubernetes/cleanup.ts
var runStateSchema = external_exports.object({
  kubeconfig: external_exports.string().optional(),
  context: external_exports.string().optional(),
  namespace: external_exports.string().min(1),
  ephemeral: external_exports.boolean(),
  objects: external_exports.array(external_exports.object({ apiVersion: external_exports.string(), kind: external_exports.string(), name: external_exports.string(), namespace: external_exports.string() }))
});
async function deleteSavedRun(saved, waitS) {
  const state = runStateSchema.parse(JSON.parse(saved));
  const access = loadClusterAccess(state);
  const { gone } = await deleteRun(access, state, waitS);
  const what = state.ephemeral ? `namespace ${state.namespace}` : `${state.objects.length} objects in namespace ${state.namespace}`;
  return gone ? `deleted ${what} (context ${access.context})` : `deleting ${what} (context ${access.context}); still terminating after ${waitS} s`;
}
export {
  deleteSavedRun
};
//# sourceMappingURL=cleanup-KJCYTRSI.js.map
