/** Runs the Discord stand-in on its own, for trying `npm start` by hand: prints the DISCORD_API_URL to use. */
import { FakeDiscord } from './discord.js';

const fake = await new FakeDiscord().start();
console.log(`DISCORD_API_URL=${fake.apiUrl} DISCORD_TOKEN=${fake.token}`);
process.on('SIGTERM', () => void fake.stop().then(() => process.exit(0)));
