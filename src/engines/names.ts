import { z } from 'zod';
import { ENGINE_NAMES, type EngineName } from '../sim/personalities.ts';

// The names live with the personalities (the simulator's data); config and presets share them from here.
export { ENGINE_NAMES, type EngineName };

export const engineNameSchema = z.enum(ENGINE_NAMES);

export function isEngineName(value: unknown): value is EngineName {
  return typeof value === 'string' && (ENGINE_NAMES as readonly string[]).includes(value);
}
