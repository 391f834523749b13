import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from './Config';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.redisUrl).toBeUndefined();
    expect(c.jwt.secret).toBe(DEV_JWT_SECRET);
    expect(c.logLevel).toBe('info');
    expect(c.corsOrigins).toEqual(['http://localhost:3000']);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ HOST: 'bad host!' }, 'HOST'],
    [{ ACCESS_TTL: '5' }, 'ACCESS_TTL'],
    [{ MEDIA_ENABLED: 'maybe' }, 'MEDIA_ENABLED'],
    [{ CORS_ORIGINS: 'nope' }, 'CORS_ORIGINS'],
    [{ IDP_PUBLIC_KEY: 'xyz' }, 'IDP_PUBLIC_KEY'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.1,nginx' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
  ])('%j → error naming %s', (env, variable) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as Error).message.startsWith(`${variable}:`)).toBe(true);
    expect((err as Error).message).not.toContain('\n');
  });

  it('trusts X-Forwarded-For from a local proxy by default; hops, lists or none on request', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::1' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::1',
    ]);
  });

  it('refuses production with the default or a short secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(20) })).toThrow(
      /at least 32/,
    );
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).nodeEnv).toBe(
      'production',
    );
  });

  it('reads every documented variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://giaoban.example.vn/',
      REDIS_URL: 'redis://127.0.0.1:6380',
      LOG_LEVEL: 'warn',
      NODE_ID: 'hub-a',
      CORS_ORIGINS: 'https://a.vn, https://b.vn',
      MEDIA_ENABLED: 'false',
      SOCKET_RATE_BURST: '5',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      publicUrl: 'https://giaoban.example.vn',
      redisUrl: 'redis://127.0.0.1:6380',
      logLevel: 'warn',
      nodeId: 'hub-a',
      corsOrigins: ['https://a.vn', 'https://b.vn'],
      mediaEnabled: false,
      socket: { burst: 5 },
    });
  });
});
