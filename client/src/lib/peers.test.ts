import { describe, expect, it } from 'vitest';
import { parsePeerId, peerMatches, siteIdOfPeer } from './peers';

describe('peer ids', () => {
  it('parses site and user peers with or without a connection suffix', () => {
    expect(parsePeerId('site:00004')).toEqual({ kind: 'site', siteId: '00004' });
    expect(parsePeerId('site:00004:-MwevjryVVGg31u-AAAC')).toEqual({
      kind: 'site',
      siteId: '00004',
    });
    expect(parsePeerId('user:acc_E2F:Ld_euJ')).toEqual({ kind: 'user', accountId: 'acc_E2F' });
    expect(parsePeerId('weird')).toEqual({ kind: 'unknown', peerId: 'weird' });
    expect(parsePeerId('site:')).toEqual({ kind: 'unknown', peerId: 'site:' });
  });

  it('matches a peer to a site or an account', () => {
    expect(siteIdOfPeer('site:00070:x')).toBe('00070');
    expect(siteIdOfPeer('user:a:x')).toBeNull();
    expect(peerMatches('user:acc1:sock', { accountId: 'acc1' })).toBe(true);
    expect(peerMatches('site:001:sock', { siteId: '001' })).toBe(true);
    expect(peerMatches('site:0011:sock', { siteId: '001' })).toBe(false);
  });
});
