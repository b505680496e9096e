/**
 * Variables a spawned candidate must not inherit from the runner: the Actions runtime and OIDC
 * tokens, the workflow token and the Action's inputs. A server that needs one names it in
 * target.passEnv, which puts it back explicitly.
 */
const WITHHELD = /^(ACTIONS_|INPUT_|GITHUB_TOKEN$|GH_TOKEN$|LLM_GATE_JUDGE_API_KEY$)/;

export function inheritedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !WITHHELD.test(name)));
}

/** The values of the variables named in passEnv that are set in the gate's environment. */
export function passedEnvironment(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(names.flatMap((k) => (env[k] !== undefined ? [[k, env[k]]] : [])));
}
