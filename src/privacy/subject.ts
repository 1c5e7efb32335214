import { type EntityManager, IsNull } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { mergedSurvivors } from '../customers/customer.service';
import { notFound } from '../errors';

/**
 * The person an export or erasure is about: the unerased customer `id` names, deleted or not,
 * or the survivor of a merge that took that customer. A merged record's id is the same person's
 * id in the source system, and merged ids lead to the survivor wherever Pulse takes ids; a
 * NOT_FOUND here would tell the caller the person is not held when they are. Erased customers
 * (and the merged ids that lead to them) are NOT_FOUND.
 */
export async function findSubject(
  tx: EntityManager,
  id: number,
  field: string,
): Promise<CustomerEntity> {
  const customers = tx.getRepository(CustomerEntity);
  const own = await customers.findOneBy({ id, erasedAt: IsNull() });
  const survivorId = own
    ? undefined
    : (await mergedSurvivors(tx, { ids: [id] }, 'notErased')).byId.get(id);
  const customer =
    own ??
    (survivorId === undefined
      ? null
      : await customers.findOneBy({ id: survivorId, erasedAt: IsNull() }));
  if (!customer) {
    throw notFound(`Customer ${id}`, field);
  }

  return customer;
}
