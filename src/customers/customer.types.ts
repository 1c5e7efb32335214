import {
  ArrayMaxSize,
  ArrayMinSize,
  MaxLength,
  IsIn,
  IsOptional,
  Length,
  Matches,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { SortDirection } from '../graphql/enums';
import { Node } from '../graphql/node';
import { Channel } from '../interactions/channel';

export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  NON_BINARY = 'NON_BINARY',
  UNDISCLOSED = 'UNDISCLOSED',
}
registerEnumType(Gender, {
  name: 'Gender',
  description: 'Gender as the customer stated it.',
  valuesConfig: {
    FEMALE: { description: 'Female.' },
    MALE: { description: 'Male.' },
    NON_BINARY: { description: 'Non-binary.' },
    UNDISCLOSED: { description: 'Chose not to say.' },
  },
});

export enum ConsentStatus {
  GRANTED = 'GRANTED',
  DENIED = 'DENIED',
}
registerEnumType(ConsentStatus, {
  name: 'ConsentStatus',
  description: 'Whether a customer agreed to marketing contact on a channel.',
  valuesConfig: {
    GRANTED: { description: 'The customer agreed to be contacted.' },
    DENIED: { description: 'The customer refused or withdrew consent.' },
  },
});

export enum CustomerSortField {
  SIGNED_UP_AT = 'SIGNED_UP_AT',
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
  EXTERNAL_ID = 'EXTERNAL_ID',
}
registerEnumType(CustomerSortField, {
  name: 'CustomerSortField',
  description: 'What a list of customers can be sorted by.',
  valuesConfig: {
    SIGNED_UP_AT: { description: 'Sign-up time.' },
    CREATED_AT: { description: 'When the record was created in Pulse.' },
    NAME: { description: 'Name (customers without a name sort as the empty string).' },
    EXTERNAL_ID: { description: 'External id.' },
  },
});

@ObjectType({ description: 'Marketing consent of a customer on one channel.' })
export class Consent {
  @Field(() => Channel, { description: 'The channel the consent is about.' })
  channel!: Channel;

  @Field(() => ConsentStatus, { description: 'Granted or denied.' })
  status!: ConsentStatus;

  @Field({ description: 'When the customer gave or withdrew it (UTC).' })
  changedAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'Where it was recorded (form, import, agent).',
  })
  source!: string | null;
}

@ObjectType({ description: 'Interactions of one customer on one channel.' })
export class ChannelCount {
  @Field(() => Channel, { description: 'The channel.' })
  channel!: Channel;

  @Field(() => Int, { description: 'Number of interactions on it.' })
  count!: number;

  @Field({ description: 'The latest of them (UTC).' })
  lastAt!: Date;
}

@ObjectType({ description: 'Spend of one customer in one product category.' })
export class CategorySpend {
  @Field({ description: 'Product category (lines without one count as "uncategorised").' })
  category!: string;

  @Field(() => Float, { description: 'Sum of quantity × unit price over paid orders.' })
  spent!: number;

  @Field(() => Int, { description: 'Units bought in paid orders.' })
  quantity!: number;
}

@ObjectType({
  description:
    'Figures about one customer computed in SQL on request. Orders count when PAID; refunded, ' +
    'cancelled and still-open (PLACED) orders do not.',
})
export class CustomerSummary {
  @Field(() => Float, { description: 'Sum of the amounts of paid orders (0 when none).' })
  totalSpent!: number;

  @Field(() => Int, { description: 'Number of paid orders.' })
  orderCount!: number;

  @Field(() => Date, { nullable: true, description: 'Time of the first paid order.' })
  firstOrderAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Time of the latest paid order.' })
  lastOrderAt!: Date | null;

  @Field(() => Float, {
    nullable: true,
    description: 'totalSpent / orderCount; null when there are no paid orders.',
  })
  averageOrderValue!: number | null;

  @Field(() => Date, { nullable: true, description: 'Time of the latest interaction.' })
  lastInteractionAt!: Date | null;

  @Field(() => Int, { description: 'Number of interactions on all channels.' })
  interactionCount!: number;

  @Field(() => [ChannelCount], { description: 'Interactions per channel, most used first.' })
  interactionsByChannel!: ChannelCount[];

  @Field(() => [CategorySpend], { description: 'Up to five categories with the highest spend.' })
  topCategories!: CategorySpend[];
}

@ObjectType({
  implements: Node,
  description: 'A person or business the company has a relationship with.',
})
export class Customer extends Node {
  /** Row id; resolvers use it to load related data. Not part of the schema. */
  dbId!: number;

  @Field({ description: "The customer's id in the system it comes from; unique." })
  externalId!: string;

  @Field(() => String, { nullable: true, description: 'Full name (masked for partners).' })
  name!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Email address, unique when present (masked for partners).',
  })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number (masked for partners).' })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: 'Country, ISO 3166-1 alpha-2.' })
  country!: string | null;

  @Field(() => String, { nullable: true, description: 'City (masked for partners).' })
  city!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Birth date, YYYY-MM-DD (partners see only the year: YYYY-**-**).',
  })
  birthDate!: string | null;

  @Field(() => Gender, { nullable: true, description: 'Gender as stated by the customer.' })
  gender!: Gender | null;

  @Field({ description: 'When the customer signed up (UTC).' })
  signedUpAt!: Date;

  @Field(() => GraphQLJSONObject, {
    description:
      'Custom attributes from imports and integrations (text values masked for partners).',
  })
  attributes!: Record<string, unknown>;

  @Field({ description: 'When the record was created in Pulse (UTC).' })
  createdAt!: Date;

  @Field({ description: 'When the record last changed (UTC).' })
  updatedAt!: Date;

  @Field(() => Int, {
    description: 'Version for optimistic concurrency: send it back with updates.',
  })
  version!: number;
}

@ObjectType({ description: 'A page of customers.' })
export class CustomerConnection extends ConnectionType(Customer) {}

@InputType({ description: 'A closed or half-open time range; either end may be omitted.' })
export class TimeRange {
  @Field({ nullable: true, description: 'From this instant, inclusive.' })
  from?: Date;

  @Field({ nullable: true, description: 'Before this instant, exclusive.' })
  to?: Date;
}

@InputType({ description: 'A range of amounts; either end may be omitted.' })
export class AmountRange {
  @Field(() => Float, { nullable: true, description: 'At least this much, inclusive.' })
  @IsOptional()
  @Min(0)
  min?: number;

  @Field(() => Float, { nullable: true, description: 'At most this much, inclusive.' })
  @IsOptional()
  @Min(0)
  max?: number;
}

@InputType({ description: 'Filters on customers; all given filters must hold.' })
export class CustomerFilter {
  @Field({ nullable: true, description: 'Name or email contains this text (case-insensitive).' })
  @IsOptional()
  @Length(1, 100)
  text?: string;

  @Field(() => [String], { nullable: true, description: 'Country is one of these (alpha-2).' })
  @IsOptional()
  @ArrayMaxSize(250)
  @Matches(/^[A-Z]{2}$/, { each: true, message: 'countries must be ISO 3166-1 alpha-2 codes' })
  countries?: string[];

  @Field(() => TimeRange, { nullable: true, description: 'Signed up within this range.' })
  @IsOptional()
  @ValidateNested()
  signedUp?: TimeRange;

  @Field(() => [Channel], {
    nullable: true,
    description: 'Has granted marketing consent on all these channels.',
  })
  @IsOptional()
  consentGranted?: Channel[];

  @Field({ nullable: true, description: 'Has (true) or has not (false) at least one paid order.' })
  @IsOptional()
  hasOrdered?: boolean;

  @Field(() => AmountRange, {
    nullable: true,
    description: 'Total spent on paid orders within this range.',
  })
  @IsOptional()
  @ValidateNested()
  spend?: AmountRange;

  @Field(() => TimeRange, { nullable: true, description: 'Latest interaction within this range.' })
  @IsOptional()
  @ValidateNested()
  lastActivity?: TimeRange;
}

@InputType({ description: 'Sort order of a customer list; ties are broken by id.' })
export class CustomerOrderBy {
  @Field(() => CustomerSortField, { description: 'What to sort by.' })
  field!: CustomerSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Direction.' })
  direction!: SortDirection;
}

@InputType({ description: 'Marketing consent to record for a channel.' })
export class ConsentInput {
  @Field(() => Channel, { description: 'The channel.' })
  channel!: Channel;

  @Field(() => ConsentStatus, { description: 'Granted or denied.' })
  status!: ConsentStatus;

  @Field({ nullable: true, description: 'When it was given or withdrawn; defaults to now.' })
  @IsOptional()
  changedAt?: Date;

  @Field({ nullable: true, description: 'Where it was recorded (form, import, agent).' })
  @IsOptional()
  @Length(1, 100)
  source?: string;
}

const GENDERS = Object.values(Gender);

/**
 * A day that exists (no 30 February), written YYYY-MM-DD, from 1900 to today (UTC): a birth
 * date in the future is a data error, and the quality report counts it as one.
 */
function IsCalendarDate() {
  return ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        /^(19|20)\d\d-\d\d-\d\d$/.test(value) &&
        !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
        new Date(`${value}T00:00:00Z`).toISOString().startsWith(value) &&
        value <= new Date().toISOString().slice(0, 10),
      defaultMessage: () =>
        '$property must be a date YYYY-MM-DD that exists, between 1900 and today',
    },
  });
}

/** Profile fields shared by create, update and upsert; null clears a field on update. */
@InputType('CustomerFieldsBase', { description: 'Profile fields of a customer.' })
export class CustomerFields {
  @Field(() => String, { nullable: true, description: 'Full name.' })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Email address; unique across customers; stored trimmed and lower-cased.',
  })
  @IsOptional()
  @MaxLength(300)
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Phone number in any common format; stored as E.164 (+441234567890), read in PULSE_DEFAULT_PHONE_REGION without a country prefix.',
  })
  @IsOptional()
  @MaxLength(64)
  phone?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Country: ISO 3166-1 alpha-2 or alpha-3 code or English name, any case; stored as alpha-2 (GB, US…).',
  })
  @IsOptional()
  @MaxLength(100)
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  @IsOptional()
  @Length(1, 100)
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'Birth date, YYYY-MM-DD.' })
  @IsOptional()
  @IsCalendarDate()
  birthDate?: string | null;

  @Field(() => Gender, { nullable: true, description: 'Gender as stated by the customer.' })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: Gender | null;

  @Field({ nullable: true, description: 'When the customer signed up; defaults to now on create.' })
  @IsOptional()
  signedUpAt?: Date;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Custom attributes; replaces the stored object when given.',
  })
  @IsOptional()
  attributes?: Record<string, unknown> | null;

  @Field(() => [ConsentInput], {
    nullable: true,
    description: 'Consent changes to record; channels not listed keep their consent.',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested()
  consents?: ConsentInput[];
}

@InputType({ description: 'A new customer.' })
export class CreateCustomerInput extends CustomerFields {
  @Field({ nullable: true, description: 'Id in the source system; generated when omitted.' })
  @IsOptional()
  @Length(1, 128)
  externalId?: string;
}

@InputType({ description: 'Changes to a customer. Omitted fields keep their value; null clears.' })
export class UpdateCustomerInput extends CustomerFields {
  @Field(() => ID, { description: 'The customer.' })
  id!: string;

  @Field(() => Int, {
    description: 'The version you read; a newer stored version fails with CONFLICT.',
  })
  @Min(1)
  version!: number;

  @Field({ nullable: true, description: 'New external id.' })
  @IsOptional()
  @Length(1, 128)
  externalId?: string;
}

@InputType({ description: 'A customer to delete.' })
export class DeleteCustomerInput {
  @Field(() => ID, { description: 'The customer.' })
  id!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'When given, the delete fails with CONFLICT if the customer changed since.',
  })
  @IsOptional()
  @Min(1)
  version?: number;
}

@InputType({ description: 'A customer to create or update, matched by external id.' })
export class UpsertCustomerInput extends CustomerFields {
  @Field({
    description:
      'Id in the source system: matches an existing customer or creates one. The external id of a customer merged into another updates the survivor, which keeps its own external id.',
  })
  @Length(1, 128)
  externalId!: string;
}

export const MAX_UPSERT_CUSTOMERS = 1000;

@InputType({ description: 'Customers to create or update in one transaction (all or nothing).' })
export class UpsertCustomersInput {
  @Field(() => [UpsertCustomerInput], { description: `Up to ${MAX_UPSERT_CUSTOMERS} customers.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_UPSERT_CUSTOMERS)
  @ValidateNested()
  customers!: UpsertCustomerInput[];
}

@ObjectType({ description: 'Result of createCustomer.' })
export class CreateCustomerPayload {
  @Field(() => Customer, { description: 'The new customer.' })
  customer!: Customer;
}

@ObjectType({ description: 'Result of updateCustomer.' })
export class UpdateCustomerPayload {
  @Field(() => Customer, { description: 'The customer as stored now.' })
  customer!: Customer;
}

@ObjectType({ description: 'Result of deleteCustomer.' })
export class DeleteCustomerPayload {
  @Field(() => ID, { description: 'Id of the deleted customer.' })
  deletedId!: string;
}

@ObjectType({ description: 'Result of upsertCustomers.' })
export class UpsertCustomersPayload {
  @Field(() => Int, { description: 'Customers created.' })
  created!: number;

  @Field(() => Int, { description: 'Existing customers changed.' })
  updated!: number;

  @Field(() => Int, { description: 'Existing customers sent again without a change.' })
  unchanged!: number;

  @Field(() => [Customer], { description: 'The customers, in input order.' })
  customers!: Customer[];
}
