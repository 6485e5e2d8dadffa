import { describe, expect, it } from 'vitest';
import { messageTouchpoint } from './message-touchpoint-rules';

describe('messageTouchpoint', () => {
  it('makes a logged phone call a CALL_LOGGED touchpoint', () => {
    expect(messageTouchpoint({ provider: 'PHONE', authorKind: 'CUSTOMER' })).toEqual({ kind: 'CALL_LOGGED', summary: 'Called the call center' });
  });

  it('keeps messenger messages and agent replies MESSAGE_SENT, also in a phone conversation', () => {
    expect(messageTouchpoint({ provider: 'TELEGRAM', authorKind: 'CUSTOMER' })).toEqual({ kind: 'MESSAGE_SENT', summary: 'Sent a message' });
    expect(messageTouchpoint({ provider: null, authorKind: 'CUSTOMER' }).kind).toBe('MESSAGE_SENT');
    expect(messageTouchpoint({ provider: 'PHONE', authorKind: 'AGENT' })).toEqual({ kind: 'MESSAGE_SENT', summary: 'Received a message (agent)' });
  });
});
