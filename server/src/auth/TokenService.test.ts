import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/Config';
import type { HubError } from '../util/HubError';
import { hashPassword, verifyPassword } from './passwords';
import { TokenService } from './TokenService';

const secret = 'unit-test-secret-0123456789abcdef';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const cfg = loadConfig({
  JWT_SECRET: secret,
  IDP_PUBLIC_KEY: pem,
  IDP_ISSUER: 'https://idp.gov.vn',
}).jwt;
const svc = new TokenService(cfg);
const grant = { sub: 'acc_1', role: 'chair' as const, name: 'Chủ trì' };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as HubError).code;
  }
  return 'none';
}

describe('TokenService', () => {
  it('round-trips an access token with its grant', () => {
    const { token } = svc.sign('access', { ...grant, meetingId: 'm1' });
    expect(svc.verify(token, 'access').grant).toEqual({ ...grant, meetingId: 'm1' });
  });

  it('carries the session, generation, epoch and invitation claims', () => {
    const claims = { sessionId: 'ses_1', generation: 3, epoch: 2, invitationId: 'inv_1' };
    const v = svc.verify(svc.sign('refresh', grant, 60, claims).token, 'refresh');
    expect(v.session).toEqual(claims);
    expect(v.issuedAt).toBeLessThanOrEqual(Date.now());
    expect(svc.verify(svc.sign('access', grant).token, 'access').session).toEqual({});
  });

  it('refuses a token of the wrong type (refresh as access, invite as access)', () => {
    expect(code(() => svc.verify(svc.sign('refresh', grant).token, 'access'))).toBe(
      'UNAUTHENTICATED',
    );
    expect(code(() => svc.verify(svc.sign('access', grant).token, 'refresh'))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('reports expiry as TOKEN_EXPIRED', () => {
    const token = jwt.sign({ typ: 'access', role: 'chair', name: 'x' }, secret, {
      algorithm: 'HS256',
      issuer: 'giaoban',
      audience: 'giaoban',
      subject: 'a',
      expiresIn: -10,
    });
    expect(code(() => svc.verify(token, 'access'))).toBe('TOKEN_EXPIRED');
  });

  it('refuses not-yet-valid, wrong issuer, wrong audience, wrong signature', () => {
    const base = { typ: 'access', role: 'chair', name: 'x' };
    const opts = {
      algorithm: 'HS256' as const,
      issuer: 'giaoban',
      audience: 'giaoban',
      subject: 'a',
      expiresIn: 60,
    };
    expect(
      code(() => svc.verify(jwt.sign(base, secret, { ...opts, notBefore: 3600 }), 'access')),
    ).toBe('UNAUTHENTICATED');
    expect(
      code(() => svc.verify(jwt.sign(base, secret, { ...opts, issuer: 'evil' }), 'access')),
    ).toBe('UNAUTHENTICATED');
    expect(
      code(() => svc.verify(jwt.sign(base, secret, { ...opts, audience: 'other' }), 'access')),
    ).toBe('UNAUTHENTICATED');
    expect(
      code(() => svc.verify(jwt.sign(base, 'another-secret-0123456789', opts), 'access')),
    ).toBe('UNAUTHENTICATED');
  });

  it('refuses alg none and HS256 signed with the IdP public key (key confusion)', () => {
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({
        typ: 'access',
        role: 'admin',
        name: 'x',
        sub: 'a',
        iss: 'giaoban',
        aud: 'giaoban',
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    ).toString('base64url')}.`;
    expect(code(() => svc.verify(none, 'access'))).toBe('UNAUTHENTICATED');
    const confused = jwt.sign({ typ: 'access', role: 'admin', name: 'x' }, pem, {
      algorithm: 'HS256',
      issuer: 'https://idp.gov.vn',
      audience: 'giaoban',
      subject: 'a',
      expiresIn: 60,
    });
    expect(code(() => svc.verify(confused, 'access'))).toBe('UNAUTHENTICATED');
  });

  it('accepts RS256 from the configured IdP only with its issuer', () => {
    const good = jwt.sign({ role: 'observer', name: 'Thanh tra' }, privateKey, {
      algorithm: 'RS256',
      issuer: 'https://idp.gov.vn',
      audience: 'giaoban',
      subject: 'idp|42',
      expiresIn: 60,
    });
    expect(svc.verify(good, 'access').grant).toEqual({
      sub: 'idp|42',
      role: 'observer',
      name: 'Thanh tra',
    });
    const wrongIss = jwt.sign({ role: 'observer' }, privateKey, {
      algorithm: 'RS256',
      issuer: 'giaoban',
      audience: 'giaoban',
      subject: 'x',
      expiresIn: 60,
    });
    expect(code(() => svc.verify(wrongIss, 'access'))).toBe('UNAUTHENTICATED');
    const noIdp = new TokenService(loadConfig({ JWT_SECRET: secret }).jwt);
    expect(code(() => noIdp.verify(good, 'access'))).toBe('UNAUTHENTICATED');
  });

  it('refuses junk and tokens without a role or a site id', () => {
    expect(code(() => svc.verify('', 'access'))).toBe('UNAUTHENTICATED');
    expect(code(() => svc.verify('a.b.c', 'access'))).toBe('UNAUTHENTICATED');
    const opts = {
      algorithm: 'HS256' as const,
      issuer: 'giaoban',
      audience: 'giaoban',
      subject: 'a',
      expiresIn: 60,
    };
    expect(
      code(() => svc.verify(jwt.sign({ typ: 'access', role: 'king' }, secret, opts), 'access')),
    ).toBe('UNAUTHENTICATED');
    expect(
      code(() => svc.verify(jwt.sign({ typ: 'access', role: 'site' }, secret, opts), 'access')),
    ).toBe('UNAUTHENTICATED');
  });
});

describe('passwords', () => {
  it('hashes with scrypt and a random salt, verifies only the right password', async () => {
    const h1 = await hashPassword('mật-khẩu-đúng');
    const h2 = await hashPassword('mật-khẩu-đúng');
    expect(h1).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('mật-khẩu-đúng', h1)).toBe(true);
    expect(await verifyPassword('mật-khẩu-sai', h1)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
