import { changesResponse, standardChanges } from '@jmap/gateway';
import type { Pool } from '@jmap/platform';
import {
  Args,
  SUBMISSION,
  encodeState,
  getResponse,
  parseChangesRequest,
  parseGetRequest,
  requireAccount,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';
import { typeState } from '@jmap/event-store';
import { EMAIL_SUBMISSION_TYPE } from '@jmap/submission-contracts';
import { submissionsByIds } from '@jmap/submission-data-access';
import { EMAIL_SUBMISSION_PROPERTIES, toSubmissionObject } from './email-submission-view.js';

/** EmailSubmission/get (RFC 8621 7.1): the state is read before the rows, so it never runs ahead of them. */
export class EmailSubmissionGetMethod implements JmapMethod {
  readonly name = 'EmailSubmission/get';
  readonly capability = SUBMISSION;

  constructor(
    private readonly pool: Pool,
    private readonly maxObjectsInGet: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseGetRequest(args, {
      allProperties: EMAIL_SUBMISSION_PROPERTIES,
      maxObjectsInGet: this.maxObjectsInGet,
    });
    args.done();
    requireAccount(ctx, req.accountId, SUBMISSION);
    const state = await typeState(this.pool, req.accountId, EMAIL_SUBMISSION_TYPE);
    const rows = await submissionsByIds(this.pool, req.accountId, req.ids, req.maxObjects + 1);
    return { ...getResponse(req, encodeState(state), rows.map(toSubmissionObject)) };
  }
}

/** EmailSubmission/changes (RFC 8621 7.2): standard /changes over the change log. */
export class EmailSubmissionChangesMethod implements JmapMethod {
  readonly name = 'EmailSubmission/changes';
  readonly capability = SUBMISSION;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseChangesRequest(args);
    args.done();
    requireAccount(ctx, req.accountId, SUBMISSION);
    const folded = await standardChanges(this.pool, req.accountId, EMAIL_SUBMISSION_TYPE, req);
    return changesResponse(req.accountId, req.sinceState, folded);
  }
}
