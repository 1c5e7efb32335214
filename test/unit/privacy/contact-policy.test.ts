import { Channel } from '../../../src/interactions/channel';
import { contactableChannels, mayContact } from '../../../src/privacy/contact-policy';

describe('mayContact', () => {
  it.each([
    { given: 'no consent recorded at all', consents: [], expected: false },
    {
      given: 'consent recorded only for another channel',
      consents: [{ channel: 'SMS', status: 'GRANTED' }],
      expected: false,
    },
    {
      given: 'consent DENIED on the channel',
      consents: [{ channel: 'EMAIL', status: 'DENIED' }],
      expected: false,
    },
    {
      given: 'an unknown status on the channel',
      consents: [{ channel: 'EMAIL', status: 'MAYBE' }],
      expected: false,
    },
    {
      given: 'consent GRANTED on the channel',
      consents: [{ channel: 'EMAIL', status: 'GRANTED' }],
      expected: true,
    },
  ])('answers $expected for EMAIL given $given', ({ consents, expected }) => {
    expect(mayContact(consents, Channel.EMAIL)).toBe(expected);
  });
});

describe('contactableChannels', () => {
  it('lists only the GRANTED channels, in the order of the Channel enum', () => {
    expect(
      contactableChannels([
        { channel: 'SMS', status: 'GRANTED' },
        { channel: 'PHONE', status: 'DENIED' },
        { channel: 'EMAIL', status: 'GRANTED' },
      ]),
    ).toEqual([Channel.EMAIL, Channel.SMS]);
  });

  it('lists no channel for a customer without consent records (opt-in)', () => {
    expect(contactableChannels([])).toEqual([]);
  });
});
