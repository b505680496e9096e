import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);
import {
  cancelCheckRun,
  createClient,
  describeApiError,
  getInput,
  info,
  readGitHubContext,
  savedCheckRun,
  savedTargets,
  setSecret,
  warning
} from "./chunks/chunk-S4MT7U4V.js";
import {
  groupAlive,
  killProcessGroup,
  removeContainer
} from "./chunks/chunk-UHQVXUYM.js";
import "./chunks/chunk-UXU63PQL.js";
import "./chunks/chunk-IGG7X3JS.js";

// src/action/post.ts
var K8S_WAIT_S = 60;
async function post() {
  try {
    await cleanUp();
  } catch (err) {
    warning(`llm-gate cleanup: ${err instanceof Error ? err.message : String(err)}`);
  }
}
async function closeCheckRun() {
  const id = savedCheckRun();
  const token = getInput("github-token");
  const context = readGitHubContext();
  if (id === void 0 || !token || !context) return;
  setSecret(token);
  try {
    await cancelCheckRun(createClient(token, context.apiUrl), context, id);
    info(`marked check run ${id} cancelled`);
  } catch (err) {
    warning(`could not mark check run ${id} cancelled: ${describeApiError(err).message}`);
  }
}
async function cleanUp() {
  const { container, pid, k8s } = savedTargets();
  if (k8s !== void 0) {
    try {
      const { deleteSavedRun } = await import("./chunks/cleanup-KJCYTRSI.js");
      info(await deleteSavedRun(k8s, K8S_WAIT_S));
    } catch (err) {
      warning(`could not delete the Kubernetes run: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (container !== void 0) {
    try {
      await removeContainer(container);
      info(`removed container ${container}`);
    } catch (err) {
      warning(`could not remove container ${container}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (pid !== void 0 && groupAlive(pid)) {
    await killProcessGroup(pid);
    info(`stopped process group ${pid}`);
  }
  await closeCheckRun();
}

// src/action/post-entry.ts
await post();
//# sourceMappingURL=post.js.map
