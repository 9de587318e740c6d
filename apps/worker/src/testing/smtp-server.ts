import { createServer, type AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

// A real SMTP server on a free local port. It offers no STARTTLS (it has no
// trusted certificate), so nodemailer's opportunistic STARTTLS sends in plain
// text, as it would to any server that does not offer it.

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The user that authenticated, if any. */
  user?: string;
  mail: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Resolves when a client starts sending message data. */
  receiving(): Promise<void>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Holds each message this long before accepting it (a slow server). */
  acceptDelayMs?: number;
  /** Requires AUTH with exactly these credentials. */
  credentials?: { user: string; pass: string };
  port?: number;
}

export async function startTestSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let dataStarted: () => void = () => undefined;
  const receiving = new Promise<void>((resolve) => (dataStarted = resolve));

  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.credentials ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !options.credentials,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const { user, pass } = options.credentials ?? {};
      if (auth.username === user && auth.password === pass) callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      dataStarted();
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        setTimeout(() => {
          simpleParser(Buffer.concat(chunks)).then((mail) => {
            received.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              user: typeof session.user === "string" ? session.user : undefined,
              mail,
            });
            callback();
          }, callback);
        }, options.acceptDelayMs ?? 0);
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    receiving: () => receiving,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A local port nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
