import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root, from both `src/` (tests, ts) and `dist/` (built): both sit one level below it. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const templatesDir = path.join(packageRoot, 'templates');
