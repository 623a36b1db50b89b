import 'dotenv/config';
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { createHookbot } from './create-hookbot.js';
import { checkHooksFile } from './hooks-file/check.js';
import { HooksFileError } from './hooks-file/loader.js';
import { isTokenError } from './lib/errors.js';

/** The only place that reads process.env and creates real clients. */
async function main(): Promise<void> {
  // `npm run hooks:check -- hookbot.yaml`: validate a hooks file and print its plan, then exit.
  if (process.argv[2] === 'hooks:check') {
    process.exit(await checkHooksFile(process.argv.slice(3), process.env, { log: console.log, error: console.error }));
  }
  const result = loadConfig(process.env);
  if (!result.ok) {
    for (const line of result.errors) console.error(`hookbot: config error: ${line}`);
    console.error('hookbot: copy .env.example to .env and fill it in (see README).');
    process.exit(1);
  }
  const config = result.config;
  const log = pino({
    level: config.LOG_LEVEL,
    redact: { paths: ['secret', '*.secret', 'token', '*.token', 'headers.authorization', 'DISCORD_TOKEN'], censor: '[redacted]' },
  });
  let bot: Awaited<ReturnType<typeof createHookbot>> | undefined;
  let stopRequested = false;
  const shutdown = (signal: string) => {
    if (stopRequested) return;
    stopRequested = true;
    log.info({ signal }, 'shutting down: no new deliveries, finishing posts in flight');
    if (!bot) return; // still starting: stopped as soon as it is up
    bot.stop().then(() => process.exit(0), (err) => {
      log.error({ err: (err as Error).message }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  try {
    bot = await createHookbot(config, log, { env: (name) => process.env[name] });
  } catch (err) {
    const e = err as Error & { code?: string | number };
    if (e instanceof HooksFileError) {
      // One line per problem, `file:line: what is wrong`.
      for (const line of e.problems) console.error(line);
      log.fatal({ problems: e.problems }, 'the hooks file is invalid: fix it (npm run hooks:check) and start again');
    } else if (isTokenError(e)) {
      log.fatal('Discord rejected DISCORD_TOKEN (401): copy the token again from the developer portal → Bot → Reset Token');
    } else if (e.code === 'EADDRINUSE') {
      log.fatal(`port ${config.PORT} is already in use: set PORT to a free port (0 picks one)`);
    } else {
      log.fatal({ err: e.message }, 'hookbot could not start');
    }
    process.exit(1);
  }
  if (stopRequested) {
    stopRequested = false;
    shutdown('signal during start');
  }
}

void main();
