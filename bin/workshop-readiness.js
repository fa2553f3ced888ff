#!/usr/bin/env node
// Runs the built CLI (dist/ is built by `npm ci` through the `prepare` script, or `npm run build`).
import('../dist/cli/main.js').then((cli) => cli.main(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
});
