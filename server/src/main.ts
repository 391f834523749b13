// `npm start`: the embedded hub. In-memory store unless REDIS_URL is set; a demo directory,
// accounts and an open briefing the first time, printed with the URLs to open.
import { ConfigError, loadConfig } from './config/Config';
import { nodeVersionProblem } from './config/nodeVersion';
import { seedDemo } from './demo/seedDemo';
import { createHub } from './Hub';

async function main(): Promise<void> {
  const runtime = nodeVersionProblem();
  if (runtime) {
    console.error(`giaoban: ${runtime}`);
    process.exit(2);
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`giaoban: configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  let hub: Awaited<ReturnType<typeof createHub>>;
  try {
    hub = await createHub(config);
  } catch (e) {
    // SfuConfigError names its variable too (SFU_*), as do Redis connection errors.
    const err = e as Error & { variable?: string };
    console.error(`giaoban: cannot start: ${err.message}`);
    process.exit(2);
  }
  const { url } = await hub.listen();
  const firstRun = (await hub.store.listAccounts()).length === 0;
  const line = '─'.repeat(78);
  console.log(line);
  console.log(
    `GiaoBan hub listening on ${url}  (public URL ${config.publicUrl}, node ${config.nodeId})`,
  );
  if (!config.redisUrl) {
    console.log(
      '⚠  WARNING: no REDIS_URL — in-memory store. Meetings, attendance and accounts are',
    );
    console.log(
      '   NOT durable and are lost when this process stops. Set REDIS_URL for production.',
    );
  }
  if (firstRun) {
    const seed = await seedDemo(hub, { randomPasswords: config.nodeEnv === 'production' });
    const p = seed.people;
    console.log(line);
    console.log(
      `Demo directory: ${seed.source === 'reference-data' ? 'reference data (Hà Nội, 126 wards)' : 'fallback (5 wards)'}`,
    );
    console.log(`Demo meeting ${seed.meetingId} is open — ${config.publicUrl}/m/${seed.meetingId}`);
    console.log(`Sign in at ${config.publicUrl}/login :`);
    for (const [role, who] of Object.entries(p)) {
      console.log(
        `  ${role.padEnd(10)} ${who.username.padEnd(10)} / ${who.password.padEnd(18)} ${who.name}`,
      );
    }
    for (const s of seed.sites.filter((x) => x.username)) {
      console.log(
        `  ${'site'.padEnd(10)} ${s.username!.padEnd(10)} / ${s.password!.padEnd(18)} ${s.name}`,
      );
    }
    console.log('Invitation links (one browser per site):');
    for (const s of seed.sites.slice(0, 5)) console.log(`  ${s.name}: ${s.inviteUrl}`);
    if (seed.sites.length > 5) {
      console.log(
        `  … ${seed.sites.length - 5} more: POST /api/meetings/${seed.meetingId}/invitations as secretary`,
      );
    }
  }
  console.log(line);
  const stop = async (signal: string) => {
    console.log(`giaoban: ${signal}, shutting down`);
    await hub.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

void main();
