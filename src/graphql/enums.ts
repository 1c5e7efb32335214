import { registerEnumType } from 'type-graphql';
import { Role } from '../auth/principal';
import { Channel } from '../interactions/channel';

/** Sort direction of a list. */
export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Sort direction of a list.',
  valuesConfig: {
    ASC: { description: 'Smallest, earliest or A first.' },
    DESC: { description: 'Largest, latest or Z first.' },
  },
});

registerEnumType(Channel, {
  name: 'Channel',
  description: 'Where an interaction happened; also the unit of marketing consent.',
  valuesConfig: {
    EMAIL: { description: 'Email messages (sent, opened, clicked).' },
    WEB: { description: 'The website.' },
    MOBILE_APP: { description: 'The mobile app, including push notifications.' },
    PHONE: { description: 'Voice calls.' },
    SMS: { description: 'Text messages.' },
    SOCIAL: { description: 'Social networks.' },
    STORE: { description: 'Physical stores.' },
    CHAT: { description: 'Live chat and messaging.' },
    SUPPORT: { description: 'Customer support (tickets).' },
    SURVEY: { description: 'Surveys (CSAT, NPS).' },
  },
});

registerEnumType(Role, {
  name: 'Role',
  description: 'What an API key may do.',
  valuesConfig: {
    ADMIN: { description: 'Everything, including key management.' },
    ANALYST: { description: 'Read and write customer data and analytics; no key management.' },
    PARTNER: { description: 'Read only, with personal data masked.' },
    ALERTS: { description: 'Read alerts and subscribe to them; nothing else.' },
  },
});
