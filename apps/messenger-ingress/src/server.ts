import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:url';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { healthEndpoints, logUnexpectedError, SERVER_HEADERS_TIMEOUT_MS, SERVER_KEEP_ALIVE_TIMEOUT_MS, type ReadinessChecks } from '@omni/graphql';
import { createBotDispatcher, createSupportBot, type BotDispatcher } from './bot/support-bot';
import { createGatewayLiveData, type LiveData } from './bot/live-data';
import type { InboundMessage, ParsedPayload } from './inbound-message';
import { parseJsonBody } from './payload-reason';
import { hubSignatureMatches, secretsMatch } from './provider-auth';
import { parseTelegramUpdate, TELEGRAM_SECRET_HEADER } from './providers/telegram';
import { parseVkEnvelope, parseVkEvent } from './providers/vk';
import { authenticateWebChat, parseWebChatMessage } from './providers/webchat';
import { answerVerification, parseWhatsAppNotification, WHATSAPP_SIGNATURE_HEADER } from './providers/whatsapp';
import { createSupportClient, type ReceivedMessage, type SupportClient } from './support-client';

export interface ProviderSecrets {
  /** `secret_token` given to Telegram's `setWebhook`; without it `/telegram` answers 404. */
  telegramWebhookSecret?: string;
  /** The bot's token, for `/files/telegram/…` (files customers sent); never stored or logged. */
  telegramBotToken?: string;
  /** Bot API base URL; `https://api.telegram.org/` unless a test points it at a fake. */
  telegramApiUrl?: string;
  /** The Meta app secret that signs WhatsApp notifications, and the verify token of the handshake. */
  whatsapp?: { appSecret: string; verifyToken: string };
  /** VK Callback API: the secret key set for the server, the confirmation string, the community id. */
  vk?: { secret: string; confirmation: string; groupId?: number };
}

export interface MessengerIngressOptions {
  supportUrl: string | (() => string);
  gatewayUrl: string | (() => string);
  signingSecret: string;
  /** Verifies web-chat shoppers' tokens and mints the bot's short-lived customer tokens. */
  tokenSecret: string;
  providers: ProviderSecrets;
  /** Where this service is reachable from agents' browsers, for links to files; its own URL by default. */
  publicUrl?: string;
  /** Answer messages of conversations in status BOT; on by default. */
  bot?: boolean;
  /** Replaces the support subgraph or the gateway in tests of the HTTP layer alone. */
  supportClient?: SupportClient;
  liveData?: LiveData;
  logError?: (line: string) => void;
}

export interface RunningIngress {
  url: string;
  httpServer: Server;
  /** Resolves once the bot has answered every message received so far. */
  botIdle(): Promise<void>;
  stop(): Promise<void>;
}

/** Webhook bodies are small (a Telegram update is a few KB); anything larger is not one of them. */
const BODY_LIMIT = '256kb';

type Outcome = { status: number; body: unknown };

const refusal = (status: number, code: string, message: string): Outcome => ({ status, body: { error: { code, message } } });

function send(res: Response, outcome: Outcome): void {
  res.status(outcome.status).set('cache-control', 'no-store').json(outcome.body);
}

function rawBodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function headerOf(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function createMessengerIngress(options: MessengerIngressOptions) {
  const logError = options.logError ?? ((line: string) => console.error(line));
  const support = options.supportClient ?? createSupportClient({ supportUrl: options.supportUrl, signingSecret: options.signingSecret });
  const liveData = options.liveData ?? createGatewayLiveData({ gatewayUrl: options.gatewayUrl, tokenSecret: options.tokenSecret });
  const dispatcher: BotDispatcher | null =
    options.bot === false ? null : createBotDispatcher(createSupportBot({ support, liveData, logError }), logError);
  const { providers } = options;
  let ownUrl = options.publicUrl ?? 'http://127.0.0.1/';
  const telegramFileUrl = (fileId: string) => new URL(`files/telegram/${encodeURIComponent(fileId)}`, ownUrl).toString();

  /**
   * Stores each message (the support subgraph keeps one per provider message id, so replays and
   * concurrent deliveries store nothing new) and hands new ones of bot conversations to the bot.
   */
  async function store(parsed: ParsedPayload): Promise<Outcome> {
    if (parsed.kind === 'malformed') return refusal(400, 'MALFORMED_PAYLOAD', parsed.reason);
    // Acknowledged all the same: providers retry every non-2xx answer, for days.
    if (parsed.kind === 'ignored') return { status: 200, body: { ok: true, ignored: parsed.reason } };
    const stored: Pick<ReceivedMessage, 'conversationId' | 'messageId' | 'duplicate'>[] = [];
    for (const message of parsed.messages) {
      let received: ReceivedMessage;
      try {
        received = await support.receiveInboundMessage(message);
      } catch (error) {
        // 503 makes the provider deliver again later; what was stored is not stored twice.
        logError(`messenger ingress: support did not take a ${message.provider} message: ${error instanceof Error ? error.message : String(error)}`);
        return refusal(503, 'UNAVAILABLE', 'The message could not be stored; deliver it again later');
      }
      const [refused] = received.userErrors;
      if (refused) return refusal(400, refused.code, refused.message);
      stored.push({ conversationId: received.conversationId, messageId: received.messageId, duplicate: received.duplicate });
      handToBot(message, received);
    }
    return { status: 200, body: { ok: true, stored } };
  }

  function handToBot(message: InboundMessage, received: ReceivedMessage): void {
    if (!dispatcher || received.duplicate || received.conversationStatus !== 'BOT' || !received.conversationId) return;
    dispatcher.enqueue({
      conversationId: received.conversationId,
      customerId: received.customerId,
      provider: message.provider,
      senderName: message.senderName ?? null,
      text: message.text,
    });
  }

  const notConfigured = refusal(404, 'NOT_CONFIGURED', 'This provider is not configured');
  const raw = express.raw({ type: () => true, limit: BODY_LIMIT });
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  const readiness: ReadinessChecks = {
    support: () => probe(options.supportUrl, 'ready'),
    gateway: () => probe(options.gatewayUrl, 'health'),
  };
  app.use(healthEndpoints(readiness, (line) => console.warn(line)));

  app.post('/telegram', raw, async (req, res) => {
    if (!providers.telegramWebhookSecret) return send(res, notConfigured);
    if (!secretsMatch(headerOf(req, TELEGRAM_SECRET_HEADER), providers.telegramWebhookSecret)) {
      return send(res, refusal(401, 'UNAUTHENTICATED', `The ${TELEGRAM_SECRET_HEADER} header does not match`));
    }
    const payload = parseJsonBody(rawBodyOf(req));
    if (payload === undefined) return send(res, refusal(400, 'MALFORMED_PAYLOAD', 'The body is not JSON'));
    send(res, await store(parseTelegramUpdate(payload, telegramFileUrl)));
  });

  /**
   * A file a customer sent on Telegram, fetched with the bot token on each request: Telegram's
   * own download URL contains the token and expires after an hour, so it is never stored.
   */
  app.get('/files/telegram/:fileId', async (req, res) => {
    const token = providers.telegramBotToken;
    if (!token) return send(res, notConfigured);
    const fileId = req.params.fileId;
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(fileId)) return send(res, refusal(400, 'MALFORMED_PAYLOAD', 'Not a Telegram file id'));
    const api = providers.telegramApiUrl ?? 'https://api.telegram.org/';
    try {
      const info = await fetch(new URL(`./bot${token}/getFile?file_id=${fileId}`, api), { signal: AbortSignal.timeout(10_000) });
      const described = (await info.json()) as { ok?: boolean; result?: { file_path?: string } };
      const path = described.ok ? described.result?.file_path : undefined;
      if (!path || !/^[A-Za-z0-9_./-]{1,512}$/.test(path) || path.includes('..')) return send(res, refusal(404, 'NOT_FOUND', 'No such file'));
      const file = await fetch(new URL(`./file/bot${token}/${path}`, api), { signal: AbortSignal.timeout(30_000) });
      if (!file.ok || !file.body) return send(res, refusal(502, 'UNAVAILABLE', 'Telegram did not return the file'));
      // A customer chose these bytes: the browser must neither sniff them into HTML nor render them
      // on our origin, so they are always a download.
      res
        .status(200)
        .type(file.headers.get('content-type') ?? 'application/octet-stream')
        .set('cache-control', 'private, max-age=3600')
        .set('x-content-type-options', 'nosniff')
        .set('content-disposition', `attachment; filename="${path.split('/').pop()}"`);
      res.send(Buffer.from(await file.arrayBuffer()));
    } catch {
      // The request URL holds the bot token (a relative `./bot…`: `bot123:…` alone would parse as a
      // URL scheme); the error says nothing about it.
      logError('messenger ingress: fetching a Telegram file failed');
      send(res, refusal(502, 'UNAVAILABLE', 'Telegram did not return the file'));
    }
  });

  app.get('/whatsapp', (req, res) => {
    if (!providers.whatsapp) return send(res, notConfigured);
    const answer = answerVerification(req.query as Record<string, unknown>, providers.whatsapp.verifyToken);
    if (!answer.ok) return send(res, refusal(answer.status, answer.status === 403 ? 'FORBIDDEN' : 'MALFORMED_PAYLOAD', answer.reason));
    res.status(200).type('text/plain').send(answer.challenge);
  });

  app.post('/whatsapp', raw, async (req, res) => {
    if (!providers.whatsapp) return send(res, notConfigured);
    const body = rawBodyOf(req);
    // The signature covers the exact bytes received, so it is checked before anything parses them.
    if (!hubSignatureMatches(body, headerOf(req, WHATSAPP_SIGNATURE_HEADER), providers.whatsapp.appSecret)) {
      return send(res, refusal(401, 'UNAUTHENTICATED', `The ${WHATSAPP_SIGNATURE_HEADER} signature does not match the body`));
    }
    const payload = parseJsonBody(body);
    if (payload === undefined) return send(res, refusal(400, 'MALFORMED_PAYLOAD', 'The body is not JSON'));
    send(res, await store(parseWhatsAppNotification(payload)));
  });

  app.post('/vk', raw, async (req, res) => {
    const vk = providers.vk;
    if (!vk) return send(res, notConfigured);
    // VK puts its secret inside the JSON body, so the envelope is read before it can be checked.
    const envelope = parseVkEnvelope(parseJsonBody(rawBodyOf(req)));
    if (!envelope.ok) return send(res, refusal(400, 'MALFORMED_PAYLOAD', envelope.reason));
    if (vk.groupId !== undefined && envelope.envelope.group_id !== vk.groupId) return send(res, refusal(401, 'UNAUTHENTICATED', 'Not our community'));
    if (envelope.envelope.type === 'confirmation') {
      res.status(200).type('text/plain').send(vk.confirmation);
      return;
    }
    if (!secretsMatch(envelope.envelope.secret, vk.secret)) return send(res, refusal(401, 'UNAUTHENTICATED', 'The secret does not match'));
    const outcome = await store(parseVkEvent(parseJsonBody(rawBodyOf(req))));
    // VK expects the plain text `ok`; any other answer counts as a failure it retries.
    if (outcome.status === 200) res.status(200).type('text/plain').send('ok');
    else send(res, outcome);
  });

  app.post('/webchat', raw, async (req, res) => {
    const authentication = await authenticateWebChat(headerOf(req, 'authorization'), options.tokenSecret);
    if (!authentication.ok) return send(res, refusal(authentication.status, authentication.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', authentication.reason));
    if (!req.is('application/json')) return send(res, refusal(415, 'MALFORMED_PAYLOAD', 'Send JSON with content-type: application/json'));
    const payload = parseJsonBody(rawBodyOf(req));
    if (payload === undefined) return send(res, refusal(400, 'MALFORMED_PAYLOAD', 'The body is not JSON'));
    send(res, await store(parseWebChatMessage(payload, authentication.sender)));
  });

  app.use((_req, res) => send(res, refusal(404, 'NOT_FOUND', 'No such endpoint')));
  const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, _next) => {
    if (error.type === 'entity.too.large') return send(res, refusal(413, 'MALFORMED_PAYLOAD', 'The body is too large'));
    if (error.status && error.status >= 400 && error.status < 500) return send(res, refusal(error.status, 'MALFORMED_PAYLOAD', 'Malformed request'));
    logUnexpectedError(error);
    send(res, refusal(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
  };
  app.use(bodyErrors);

  return {
    app,
    async listen(port: number, host = '127.0.0.1'): Promise<RunningIngress> {
      const httpServer = createServer(app);
      httpServer.keepAliveTimeout = SERVER_KEEP_ALIVE_TIMEOUT_MS;
      httpServer.headersTimeout = SERVER_HEADERS_TIMEOUT_MS;
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen({ port, host }, () => resolve());
      });
      const { address, port: actualPort } = httpServer.address() as AddressInfo;
      const hostname = address === '' || address === '::' ? 'localhost' : address;
      const url = format({ protocol: 'http', hostname, port: actualPort, pathname: '/' });
      if (!options.publicUrl) ownUrl = url;
      return {
        url,
        httpServer,
        botIdle: () => dispatcher?.idle() ?? Promise.resolve(),
        async stop() {
          await new Promise<void>((resolve) => {
            httpServer.close(() => resolve());
            httpServer.closeIdleConnections();
          });
          // Turns already taken are finished, so no customer is left without the answer.
          await dispatcher?.idle();
        },
      };
    },
  };
}

async function probe(base: string | (() => string), path: string): Promise<void> {
  const url = new URL(path, typeof base === 'function' ? base() : base);
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`${url.origin}/${path} answered ${response.status}`);
}

/** The webhook paths a configuration serves, for start-up banners. */
export function servedProviders(providers: ProviderSecrets): string[] {
  return [providers.telegramWebhookSecret && 'telegram', providers.whatsapp && 'whatsapp', providers.vk && 'vk', 'webchat'].filter((name): name is string => Boolean(name));
}
