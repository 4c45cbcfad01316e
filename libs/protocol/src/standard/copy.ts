/**
 * /copy (RFC 8620 section 5.4): arguments. Copying within one account is refused with invalidArguments
 * (rfc-clarifications Q12).
 */
import { type Args, isPlainObject } from '../args.js';
import { MethodError } from '../errors.js';

export interface CopyRequest {
  fromAccountId: string;
  ifFromInState: string | null;
  accountId: string;
  ifInState: string | null;
  create: Record<string, Record<string, unknown>>;
  onSuccessDestroyOriginal: boolean;
  destroyFromIfInState: string | null;
}

export function parseCopyRequest(args: Args, maxObjectsInSet: number): CopyRequest {
  const fromAccountId = args.requiredId('fromAccountId');
  const ifFromInState = args.string('ifFromInState');
  const accountId = args.requiredId('accountId');
  const ifInState = args.string('ifInState');
  const create = args.object('create');
  if (create === null) throw new MethodError('invalidArguments', '"create" is required.');
  for (const [cid, obj] of Object.entries(create)) {
    if (!isPlainObject(obj) || typeof obj.id !== 'string') {
      throw new MethodError('invalidArguments', `create["${cid}"] must be an object with the "id" of the record to copy.`);
    }
  }
  if (Object.keys(create).length > maxObjectsInSet) {
    throw new MethodError('requestTooLarge', `At most ${maxObjectsInSet} records per /copy (maxObjectsInSet).`);
  }
  const onSuccessDestroyOriginal = args.boolean('onSuccessDestroyOriginal', false);
  const destroyFromIfInState = args.string('destroyFromIfInState');
  if (fromAccountId === accountId) {
    throw new MethodError('invalidArguments', 'fromAccountId and accountId must differ: /copy is between accounts.');
  }
  return {
    fromAccountId,
    ifFromInState,
    accountId,
    ifInState,
    create: create as Record<string, Record<string, unknown>>,
    onSuccessDestroyOriginal,
    destroyFromIfInState,
  };
}
