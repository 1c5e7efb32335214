import { retryDelayMs, signBody, webhookBody } from '../../../src/alerts/webhook-policy';

describe('signBody', () => {
  // GitHub's published test vector for X-Hub-Signature-256 ("Validating webhook deliveries").
  it('matches the published HMAC-SHA256 vector for a known secret and payload', () => {
    expect(signBody('Hello, World!', "It's a Secret to Everybody")).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  // Reference: Python's hmac.new(b'k', 'Umsatz €'.encode(), hashlib.sha256).hexdigest().
  it('signs the UTF-8 bytes of a body with non-ASCII characters', () => {
    expect(signBody('Umsatz €', 'k')).toBe(
      'sha256=f5f469733b10434e17f1cd9f18e2eb5a7a4fe741bda313668219e7d004fe8b2d',
    );
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, 0.5, 1000],
    [2, 0.5, 2000],
    [3, 0.5, 4000],
    [5, 0.5, 16_000],
    [1, 0, 800],
    [1, 0.999999, 1200],
    [4, 0, 6400],
  ])('waits after attempt %i with random %d for %i ms', (attempt, random, expected) => {
    expect(retryDelayMs(attempt, random)).toBe(expected);
  });

  it('caps the wait at 10 minutes before jitter, whatever the attempt', () => {
    expect(retryDelayMs(30, 0.5)).toBe(600_000);
    expect(retryDelayMs(30, 0)).toBe(480_000);
  });
});

describe('webhookBody', () => {
  it('carries global ids, ISO instants and a null period for an acknowledgement', () => {
    const body = webhookBody({
      id: 5,
      ruleId: 2,
      kpiId: 9,
      type: 'ACKNOWLEDGED',
      severity: 'WARNING',
      periodStart: null,
      value: null,
      message: 'acknowledged',
      occurredAt: new Date('2026-01-02T03:04:05.006Z'),
      webhookUrl: 'http://example.com/hook',
      webhookSecret: 'secret',
    });

    expect(JSON.parse(body)).toEqual({
      event: {
        id: 'QWxlcnRFdmVudDo1',
        type: 'ACKNOWLEDGED',
        severity: 'WARNING',
        message: 'acknowledged',
        periodStart: null,
        occurredAt: '2026-01-02T03:04:05.006Z',
      },
      rule: { id: 'QWxlcnRSdWxlOjI' },
      kpi: { id: 'S3BpOjk', value: null },
    });
    // Neither the URL nor the secret travels in the body.
    expect(body).not.toContain('secret');
  });
});
