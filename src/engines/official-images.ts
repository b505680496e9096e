import type { EngineName } from './names.ts';

/**
 * The engines' official images and how each is told which model to serve, from the images' entrypoints:
 * vllm/vllm-openai runs `vllm serve` (`--model`), TGI's runs text-generation-launcher (`--model-id`),
 * llama.cpp's `:server` images run llama-server (`-m FILE.gguf`, a path inside the container), SGLang's image
 * has no server entrypoint (`python3 -m sglang.launch_server --model-path …`). Ollama pulls by name on
 * first use and NIM serves the model its image was built for: neither takes a model argument.
 */
const OFFICIAL: { engine: EngineName; pattern: RegExp; modelArgs: ((model: string, port: number) => string[]) | null }[] = [
  { engine: 'vllm', pattern: /^(docker\.io\/)?vllm\/vllm-openai(:|@|$)/, modelArgs: (m) => ['--model', m] },
  { engine: 'tgi', pattern: /^ghcr\.io\/huggingface\/text-generation-inference(:|@|$)/, modelArgs: (m) => ['--model-id', m] },
  {
    engine: 'sglang',
    pattern: /^(docker\.io\/)?lmsysorg\/sglang(:|@|$)/,
    modelArgs: (m, port) => ['python3', '-m', 'sglang.launch_server', '--model-path', m, '--host', '0.0.0.0', '--port', String(port)],
  },
  { engine: 'llamacpp', pattern: /^ghcr\.io\/ggml-org\/llama\.cpp:server/, modelArgs: (m) => ['-m', m] },
  { engine: 'ollama', pattern: /^(docker\.io\/)?ollama\/ollama(:|@|$)/, modelArgs: null },
  { engine: 'nim', pattern: /^nvcr\.io\/nim\//, modelArgs: null },
];

/** The engine of an official image reference; undefined for any other image (a custom one says nothing). */
export function officialImageEngine(image: string | undefined): EngineName | undefined {
  return image ? OFFICIAL.find((o) => o.pattern.test(image))?.engine : undefined;
}

/**
 * The arguments after the image that make an official image serve `model` on `port`; undefined for other
 * images and for engines that take no model argument (the user's own `args` are then the way).
 */
export function officialModelArgs(image: string | undefined, model: string, port: number): string[] | undefined {
  const found = image ? OFFICIAL.find((o) => o.pattern.test(image)) : undefined;
  return found?.modelArgs?.(model, port);
}
