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
} from "./chunks/chunk-4JPWBJS4.js";
import {
  cleanUpTarget
} from "./chunks/chunk-OIZKBE6S.js";
import "./chunks/chunk-CBO2WUS7.js";
import {
  errorText
} from "./chunks/chunk-7VG5NXZU.js";

// src/action/post.ts
var K8S_WAIT_S = 60;
async function post() {
  try {
    await cleanUp();
  } catch (err) {
    warning(`llm-gate cleanup: ${errorText(err)}`);
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
  for (const state of savedTargets()) {
    const outcome = await cleanUpTarget(state, K8S_WAIT_S);
    if ("failed" in outcome) warning(outcome.failed);
    else if (outcome.done !== void 0) info(outcome.done);
  }
  await closeCheckRun();
}

// src/action/post-entry.ts
await post();
//# sourceMappingURL=post.js.map
