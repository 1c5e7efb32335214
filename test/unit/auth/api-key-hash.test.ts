import { bearerToken, generateApiKey, hashApiKey } from '../../../src/auth/api-key-hash';

describe('API keys', () => {
  it('are stored as SHA-256 in hex (the FIPS 180-2 test vectors)', () => {
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hashApiKey('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('are generated with a prefix and 32 random bytes, and read from a Bearer header', () => {
    const key = generateApiKey();

    expect(key).toMatch(/^pulse_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(key);
    expect(bearerToken(`Bearer ${key}`)).toBe(key);
    expect(bearerToken(`Basic ${key}`)).toBeNull();
  });
});
