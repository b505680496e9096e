import * as core from '@actions/core';
import { cancelCheckRun } from '../report/github/check-run.ts';
import { createClient, describeApiError } from '../report/github/client.ts';
import { readGitHubContext } from '../report/github/context.ts';
import { cleanUpTarget } from '../target/cleanup.ts';
import { savedCheckRun, savedTargets } from './state.ts';
import { errorText } from '../log.ts';

/** How long the post step waits for a deleted namespace to be gone (pods with GPUs free them on the way). */
const K8S_WAIT_S = 60;

/**
 * The post step (`post-if: always()`): removes the container, kills the process or deletes the Kubernetes run a cancelled or crashed
 * main step left behind, and closes its check run as cancelled. It never fails the job; what it cannot
 * clean up is reported as a warning.
 */
export async function post(): Promise<void> {
  try {
    await cleanUp();
  } catch (err) {
    core.warning(`llm-gate cleanup: ${errorText(err)}`);
  }
}

async function closeCheckRun(): Promise<void> {
  const id = savedCheckRun();
  const token = core.getInput('github-token');
  const context = readGitHubContext();
  if (id === undefined || !token || !context) return;
  core.setSecret(token);
  try {
    await cancelCheckRun(createClient(token, context.apiUrl), context, id);
    core.info(`marked check run ${id} cancelled`);
  } catch (err) {
    core.warning(`could not mark check run ${id} cancelled: ${describeApiError(err).message}`);
  }
}

async function cleanUp(): Promise<void> {
  for (const state of savedTargets()) {
    const outcome = await cleanUpTarget(state, K8S_WAIT_S);
    if ('failed' in outcome) core.warning(outcome.failed);
    else if (outcome.done !== undefined) core.info(outcome.done);
  }
  // Last: the GPU is freed first, whatever the API does.
  await closeCheckRun();
}
