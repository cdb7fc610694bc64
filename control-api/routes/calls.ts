import { z } from 'zod';
import type { CallCommandAction } from '#lib/call-commands/index.js';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import type { RouteTable } from '../http/route.js';
import { TENANT_WRITE, tenantOf } from './access.js';

// Recording control of a live call, as operators' call-control APIs offer it (Twilio's
// `POST /Calls/{Sid}/Recordings`, Telnyx's `record_start` / `record_stop` actions): the switch that
// holds the call tells rtpengine to start or stop recording at once (lib/call-commands). The recording
// is the client's (kept for the workspace's retention period) and the CDR says the call was recorded.

const callParams = z.strictObject({ callId: z.string().min(1).max(200).meta({ description: 'The call\'s Call-ID, as in its CDR (URL-encoded)' }) });
const recordingState = z
  .object({
    callId: z.string(),
    recording: z.boolean().meta({ description: 'Whether rtpengine records the call now' }),
    result: z.enum(['started', 'already_recording', 'stopped', 'not_recording', 'diagnostic_continues']).meta({ description: '`diagnostic_continues`: a staff troubleshooting window keeps recording the call' }),
  })
  .meta({ id: 'CallRecordingState' });

export function mountCallRoutes(routes: RouteTable, deps: ApiDeps): void {
  const command = async (tenantId: string, callId: string, action: CallCommandAction) => {
    const outcome = await deps.calls.send(tenantId, callId, action);
    switch (outcome) {
      case 'started':
      case 'already_recording':
      case 'diagnostic_continues':
        return { callId, recording: true, result: outcome };
      case 'stopped':
      case 'not_recording':
        return { callId, recording: false, result: outcome };
      case 'not_found':
      case 'no_switch': // no switch runs, so no call is live
        throw notFound('live call');
      case 'unavailable':
        throw new ApiError('API_CONFLICT', 'call recording is not configured on the switch (no recording key)');
      case 'failed':
      case 'timeout':
        throw new ApiError('API_SWITCH_UNAVAILABLE', `the switch did not carry out the command (${outcome}); try again`);
    }
  };
  const audited = async (ctx: Parameters<typeof writeAudit>[1], tenantId: string, callId: string, action: string, after: unknown) => {
    await inScope(deps.pool, { tenantId }, (c) => writeAudit(c, ctx, { action, targetKind: 'call', targetId: callId, tenantId, after }));
  };

  routes.add(
    {
      method: 'post', path: '/v1/calls/:callId/recording', tag: 'Calls', summary: 'Start recording a live call now', auth: TENANT_WRITE, params: callParams,
      responses: { 200: { description: 'The call is recorded from now on', schema: recordingState }, 404: { description: 'No live call of this workspace has this Call-ID' }, 503: { description: 'The switch did not answer' } },
    },
    async ({ params, principal, ctx }) => {
      const tenantId = tenantOf(principal);
      const state = await command(tenantId, params.callId, 'recording.start');
      await audited(ctx, tenantId, params.callId, 'call_recording.start', state);
      return { status: 200, body: state };
    },
  );
  routes.add(
    {
      method: 'delete', path: '/v1/calls/:callId/recording', tag: 'Calls', summary: 'Stop recording a live call (what was recorded is kept)', auth: TENANT_WRITE, params: callParams,
      responses: { 200: { description: 'Recording stopped, or a staff diagnostic window keeps it on', schema: recordingState }, 404: { description: 'No live call of this workspace has this Call-ID' }, 503: { description: 'The switch did not answer' } },
    },
    async ({ params, principal, ctx }) => {
      const tenantId = tenantOf(principal);
      const state = await command(tenantId, params.callId, 'recording.stop');
      await audited(ctx, tenantId, params.callId, 'call_recording.stop', state);
      return { status: 200, body: state };
    },
  );
}
