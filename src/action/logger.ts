import * as core from '@actions/core';
import type { Logger } from '../log.ts';

/** The gate's log in the Actions UI: warnings as annotations, stages as foldable groups. */
export const actionLogger: Logger = {
  info: (m) => core.info(m),
  warn: (m) => core.warning(m),
  error: (m) => core.error(m),
  debug: (m) => core.debug(m),
  group: (title, fn) => core.group(title, fn),
};
