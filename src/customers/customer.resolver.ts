import { IsOptional, ValidateNested } from 'class-validator';
import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { maskedArgument } from '../auth/masking';
import { READERS, WRITERS } from '../auth/principal';
import { PulseError } from '../errors';
import type { PulseContext } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { fromGlobalId } from '../graphql/global-id';
import { PageArgsInput } from '../graphql/page-args';
import { selectsSubfield } from '../graphql/selection';
import type { Services } from '../services';
import { toCustomer } from './customer.mapper';
import {
  Consent,
  CreateCustomerInput,
  CreateCustomerPayload,
  Customer,
  CustomerConnection,
  CustomerFilter,
  CustomerOrderBy,
  CustomerSummary,
  DeleteCustomerInput,
  DeleteCustomerPayload,
  UpdateCustomerInput,
  UpdateCustomerPayload,
  UpsertCustomersInput,
  UpsertCustomersPayload,
} from './customer.types';

@ArgsType()
class CustomersArgs extends PageArgsInput {
  @Field(() => CustomerFilter, {
    nullable: true,
    description: 'Only customers matching all these filters.',
  })
  @IsOptional()
  @ValidateNested()
  filter?: CustomerFilter;

  @Field(() => CustomerOrderBy, {
    nullable: true,
    description: 'Sort order; newest sign-ups first by default.',
  })
  @IsOptional()
  orderBy?: CustomerOrderBy;
}

@Resolver(() => Customer)
export class CustomerResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => Customer, { description: 'One customer by id; NOT_FOUND when unknown or deleted.' })
  async customer(
    @Arg('id', () => ID, { description: 'Global id of the customer.' }) id: string,
    @Ctx() ctx: PulseContext,
  ): Promise<Customer> {
    return toCustomer(await this.services.customers.get(fromGlobalId(id, 'Customer', 'id')), ctx);
  }

  @Authorized(READERS)
  @Query(() => Customer, {
    nullable: true,
    description: 'One customer by external id; null when none.',
  })
  async customerByExternalId(
    @Arg('externalId', { description: 'Id in the source system.' }) externalId: string,
    @Ctx() ctx: PulseContext,
  ): Promise<Customer | null> {
    const row = await this.services.customers.findByExternalId(externalId);

    return row && toCustomer(row, ctx);
  }

  @Authorized(READERS)
  @Query(() => CustomerConnection, {
    description: 'Customers, filtered and sorted, a page at a time.',
  })
  async customers(
    @Args() args: CustomersArgs,
    @Ctx() ctx: PulseContext,
  ): Promise<CustomerConnection> {
    const masked = maskedArgument(ctx.principal?.role, args.filter, args.orderBy?.field);
    if (masked) {
      throw new PulseError(
        'FORBIDDEN',
        'Personal fields are masked for this role and cannot be filtered or sorted on',
        masked,
      );
    }
    const page = await this.services.customers.list(args.filter, args.orderBy, args);

    return toConnection(CustomerConnection, page, (row) => toCustomer(row, ctx));
  }

  @Authorized(WRITERS)
  @Mutation(() => CreateCustomerPayload, { description: 'Creates a customer.' })
  async createCustomer(
    @Arg('input', { description: 'The new customer.' }) input: CreateCustomerInput,
    @Ctx() ctx: PulseContext,
  ): Promise<CreateCustomerPayload> {
    const row = await this.services.customers.create(input, ctx.audit.actor);

    return { customer: toCustomer(row, ctx) };
  }

  @Authorized(WRITERS)
  @Mutation(() => UpdateCustomerPayload, {
    description: 'Changes a customer if it is still at the given version (CONFLICT otherwise).',
  })
  async updateCustomer(
    @Arg('input', { description: 'The changes.' }) input: UpdateCustomerInput,
    @Ctx() ctx: PulseContext,
  ): Promise<UpdateCustomerPayload> {
    const { id, version, ...changes } = input;
    const row = await this.services.customers.update(
      fromGlobalId(id, 'Customer', 'input.id'),
      version,
      changes,
      ctx.audit.actor,
    );

    return { customer: toCustomer(row, ctx) };
  }

  @Authorized(WRITERS)
  @Mutation(() => DeleteCustomerPayload, {
    description:
      'Deletes a customer (soft delete: its history stays in the database and in stored KPI values; periods computed again leave it out).',
  })
  async deleteCustomer(
    @Arg('input', { description: 'The customer to delete.' }) input: DeleteCustomerInput,
    @Ctx() ctx: PulseContext,
  ): Promise<DeleteCustomerPayload> {
    await this.services.customers.remove(
      fromGlobalId(input.id, 'Customer', 'input.id'),
      input.version,
      ctx.audit.actor,
    );

    return { deletedId: input.id };
  }

  @Authorized(WRITERS)
  @Mutation(() => UpsertCustomersPayload, {
    description: 'Creates or updates up to 1,000 customers by external id, all or nothing.',
  })
  async upsertCustomers(
    @Arg('input', { description: 'The customers.' }) input: UpsertCustomersInput,
    @Ctx() ctx: PulseContext,
  ): Promise<UpsertCustomersPayload> {
    const result = await this.services.customers.upsertMany(input.customers, ctx.audit.actor);

    return { ...result, customers: result.customers.map((row) => toCustomer(row, ctx)) };
  }

  @FieldResolver(() => [Consent], { description: 'Current marketing consent per channel.' })
  async consents(@Root() customer: Customer, @Ctx() ctx: PulseContext): Promise<Consent[]> {
    return (await ctx.loaders.consentsByCustomerId.load(customer.dbId)) as Consent[];
  }

  // Several aggregations over the customer's orders and interactions, not one row: the query
  // cost counts it as 10 fields.
  @FieldResolver(() => CustomerSummary, {
    description: 'Spend, orders and activity, computed in SQL.',
    complexity: 10,
  })
  summary(
    @Root() customer: Customer,
    @Ctx() ctx: PulseContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CustomerSummary> {
    const loader = selectsSubfield(info, 'topCategories')
      ? ctx.loaders.summaryByCustomerId
      : ctx.loaders.summaryWithoutCategoriesByCustomerId;

    return loader.load(customer.dbId);
  }
}
