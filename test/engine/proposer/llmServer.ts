/** A scripted OpenAI-compatible chat-completions server on 127.0.0.1 for the LLM proposer's tests (no network). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: Record<string, unknown>;
  /** The user message: the scene, family, bin, feedback and earlier drafts. */
  user: string;
}

/** How the server answers one request: the reply text, or a status and error body. */
export type Script = (req: Received, index: number) => string | { status: number; body: unknown };

export interface ScriptedServer {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

export function completion(content: string): unknown {
  return { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'scripted', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] };
}

export async function scriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      const messages = (body.messages ?? []) as { role: string; content: string }[];
      const received = { body, user: messages.find((m) => m.role === 'user')?.content ?? '' };
      requests.push(received);
      const out = script(received, requests.length - 1);
      const [status, payload] = typeof out === 'string' ? [200, completion(out)] : [out.status, out.body];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The family the prompt asks for. */
export const familyOf = (user: string): string => /Write one question of the family (\w+):/.exec(user)?.[1] ?? '';
