import { describe, expect, it } from 'vitest';
import { dockerBuildArgs, dockerRunArgs, parsePublishedPort } from '../../src/target/docker/args.ts';
import { inheritedEnvironment, passedEnvironment } from '../../src/target/environment.ts';

describe('dockerRunArgs', () => {
  const base = { image: 'vllm/vllm-openai:v0.9', name: 'llm-gate-x', containerPort: 8000, envNames: [], volumes: [], runArgs: [], args: [] };

  it('publishes the port on loopback only, to a host port docker picks', () => {
    const args = dockerRunArgs(base);
    expect(args.slice(0, 2)).toEqual(['run', '--detach']);
    expect(args).toContain('127.0.0.1::8000');
    expect(args.at(-1)).toBe('vllm/vllm-openai:v0.9');
  });

  it('passes GPUs, shared memory, read-only weight volumes and extra args in order', () => {
    const args = dockerRunArgs({
      ...base,
      gpus: 'all',
      shmSize: '16g',
      volumes: [{ host: '/models', container: '/root/.cache/huggingface', readOnly: true }],
      runArgs: ['--ipc=host'],
      args: ['--model', 'Qwen/Qwen2.5-0.5B'],
    });
    expect(args.join(' ')).toContain('--gpus all --shm-size 16g --volume /models:/root/.cache/huggingface:ro --ipc=host vllm/vllm-openai:v0.9 --model Qwen/Qwen2.5-0.5B');
  });

  it('names environment variables without their values, so tokens never reach the command line', () => {
    const args = dockerRunArgs({ ...base, envNames: ['HF_TOKEN'] });
    expect(args[args.indexOf('--env') + 1]).toBe('HF_TOKEN');
    expect(args.filter((a) => a.includes('HF_TOKEN'))).toEqual(['HF_TOKEN']);
  });
});

describe('dockerBuildArgs', () => {
  it('tags, picks the Dockerfile and passes build args', () => {
    expect(dockerBuildArgs({ context: '.', tag: 't:1', dockerfile: 'Dockerfile.gpu', args: { A: '1' } })).toEqual([
      'build', '--tag', 't:1', '--file', 'Dockerfile.gpu', '--build-arg', 'A=1', '.',
    ]);
  });
});

describe('parsePublishedPort', () => {
  it('reads the host port of the first binding', () => {
    expect(parsePublishedPort('127.0.0.1:49153\n')).toBe(49153);
    expect(parsePublishedPort('')).toBeNull();
  });
});

describe('the environment a spawned candidate inherits', () => {
  it('withholds the runner tokens and the Action inputs, keeps the rest', () => {
    const env = inheritedEnvironment({
      PATH: '/bin',
      ACTIONS_RUNTIME_TOKEN: 'x',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'y',
      'INPUT_GITHUB-TOKEN': 'z',
      GITHUB_TOKEN: 't',
      GITHUB_SHA: 'abc',
      HF_HOME: '/cache',
    });
    expect(env).toEqual({ PATH: '/bin', GITHUB_SHA: 'abc', HF_HOME: '/cache' });
  });

  it('passes named variables back explicitly, only those that are set', () => {
    expect(passedEnvironment(['HF_TOKEN', 'MISSING'], { HF_TOKEN: 'hf_x' })).toEqual({ HF_TOKEN: 'hf_x' });
  });
});
