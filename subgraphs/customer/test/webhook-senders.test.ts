import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeSender, createWebhookCodeSender } from '../src/clients/code-sender';
import { createWebhookReminderSender } from '../src/clients/reminder-sender';
import { WEBHOOK_SIGNATURE_HEADER } from '../src/clients/signed-webhook';

const SECRET = 'webhook-secret-0123456789abcdef0123456789';
const received: { headers: IncomingMessage['headers']; body: string; path: string }[] = [];
let answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end();
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body, path: req.url ?? '' });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const message = { kind: 'EMAIL', value: 'anna@example.com', code: '123456', expiresAt: new Date('2030-01-01T10:10:00.000Z') };

describe('webhook code sender', () => {
  it('POSTs the code as JSON signed with an HMAC-SHA256 of the body', async () => {
    answer = (res) => res.writeHead(204).end();
    const sender = createCodeSender({ kind: 'webhook', url: `${baseUrl}/sign-in-codes`, secret: SECRET, timeoutMs: 2000 });
    await sender.send(message);
    const request = received.at(-1)!;
    expect(request.path).toBe('/sign-in-codes');
    expect(request.headers['content-type']).toBe('application/json');
    const expected = `sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`;
    expect(request.headers[WEBHOOK_SIGNATURE_HEADER]).toBe(expected);
    expect(JSON.parse(request.body)).toMatchObject({ type: 'sign_in_code', kind: 'EMAIL', value: 'anna@example.com', code: '123456', expiresAt: '2030-01-01T10:10:00.000Z' });
    expect(JSON.parse(request.body).text).toContain('123456');
  });

  it('fails on an error status without putting the code in the error', async () => {
    answer = (res) => res.writeHead(502).end('bad gateway');
    const sender = createWebhookCodeSender({ url: baseUrl, secret: SECRET, timeoutMs: 2000 });
    const error = await sender.send(message).then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toBe('sign-in code webhook answered 502');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('123456');
  });

  it('gives up after the timeout', async () => {
    answer = () => {}; // never answers
    const sender = createWebhookCodeSender({ url: baseUrl, secret: SECRET, timeoutMs: 200 });
    const started = Date.now();
    await expect(sender.send(message)).rejects.toThrow('sign-in code webhook: no answer within 200 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('does not follow a redirect elsewhere', async () => {
    const before = received.length;
    answer = (res) => res.writeHead(307, { location: `${baseUrl}/elsewhere` }).end();
    const sender = createWebhookCodeSender({ url: baseUrl, secret: SECRET, timeoutMs: 2000 });
    await expect(sender.send(message)).rejects.toThrow('sign-in code webhook: request failed');
    expect(received.slice(before).map((r) => r.path)).toEqual(['/']);
  });

  it('fails when nothing listens, naming the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const sender = createWebhookCodeSender({ url: `http://127.0.0.1:${port}/`, secret: SECRET, timeoutMs: 2000 });
    await expect(sender.send(message)).rejects.toThrow(/^sign-in code webhook: request failed \(ECONNREFUSED\)$/);
  });
});

describe('webhook cart reminder sender', () => {
  it('POSTs the reminder as signed JSON; a failure names the status, not the address', async () => {
    answer = (res) => res.writeHead(204).end();
    const sender = createWebhookReminderSender({ url: `${baseUrl}/reminders`, secret: SECRET, timeoutMs: 2000 });
    const reminder = { customerId: 'cust_1', cartId: 'cart_1', contactChannel: 'EMAIL', address: 'anna@example.com', message: 'You left 2 items in your cart.' };
    await sender.send(reminder);
    const request = received.at(-1)!;
    expect(request.path).toBe('/reminders');
    expect(request.headers[WEBHOOK_SIGNATURE_HEADER]).toBe(`sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`);
    expect(JSON.parse(request.body)).toMatchObject({ type: 'cart_reminder', customerId: 'cust_1', cartId: 'cart_1', contactChannel: 'EMAIL', address: 'anna@example.com', text: reminder.message });

    answer = (res) => res.writeHead(503).end();
    const error = await sender.send(reminder).then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toBe('cart reminder webhook answered 503');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('anna@example.com');
  });
});
