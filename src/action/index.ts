import { run } from './main.ts';

await run();
// Exit with the step's result: an interrupted or failed pipeline may leave timers and sockets behind.
process.exit();
