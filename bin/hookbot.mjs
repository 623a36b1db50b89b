#!/usr/bin/env node
// `hookbot <command>` (`npx hookbot send …`, `npm run send -- …`). Loads the TypeScript with tsx as `npm start` does.
// This entry, outside src/, is where the command line's environment is read; the commands get it passed in.
import { tsImport } from 'tsx/esm/api';

const COMMANDS = { send: '../src/send/cli.ts' };
const [command, ...args] = process.argv.slice(2);

if (command === 'send') {
  const { runSend } = await tsImport(COMMANDS.send, import.meta.url);
  process.exitCode = await runSend(args, { env: process.env });
} else {
  const help = command === undefined || command === 'help' || command === '--help' || command === '-h';
  (help ? process.stdout : process.stderr).write(`${help ? '' : `hookbot: unknown command ${command}\n`}usage: hookbot send <hook-url> [options]   (hookbot send --help for the options)\n`);
  process.exitCode = help ? 0 : 2;
}
