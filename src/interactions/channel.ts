/** Where a customer interaction happened; also the unit of marketing consent. */
export enum Channel {
  EMAIL = 'EMAIL',
  WEB = 'WEB',
  MOBILE_APP = 'MOBILE_APP',
  PHONE = 'PHONE',
  SMS = 'SMS',
  SOCIAL = 'SOCIAL',
  STORE = 'STORE',
  CHAT = 'CHAT',
  SUPPORT = 'SUPPORT',
  SURVEY = 'SURVEY',
}

export const CHANNELS = Object.values(Channel);
