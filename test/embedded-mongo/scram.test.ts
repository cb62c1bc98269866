/**
 * The SCRAM-SHA-256 conversation (server/embedded-mongo/auth/scram.ts) checked against the worked
 * example of RFC 7677 §3, so neither half can pass only by agreeing with the other.
 */
import { deriveScramSecrets, saslPrepPassword, ScramClientConversation, ScramError, ScramServerConversation } from '../../server/embedded-mongo/auth/scram';

// RFC 7677 §3: user "user", password "pencil", 4096 iterations.
const RFC = {
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  serverNonceSuffix: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

const rfcSecrets = deriveScramSecrets('pencil', Buffer.from(RFC.salt, 'base64'), 4096);
const rfcServer = () => new ScramServerConversation((name) => (name === 'user' ? rfcSecrets : undefined), () => RFC.serverNonceSuffix);

describe('SCRAM-SHA-256', () => {
  it('answers the RFC 7677 example exactly as the RFC does (server side)', () => {
    const server = rfcServer();
    expect(server.start(RFC.clientFirst)).toBe(RFC.serverFirst);
    expect(server.finish(RFC.clientFinal)).toBe(RFC.serverFinal);
    expect(server.username).toBe('user');
  });

  it('produces the RFC 7677 example proof and accepts its server signature (client side)', () => {
    const client = new ScramClientConversation('user', 'pencil', RFC.clientNonce);
    expect(client.first()).toBe(RFC.clientFirst);
    expect(client.final(RFC.serverFirst)).toBe(RFC.clientFinal);
    expect(() => client.verify(RFC.serverFinal)).not.toThrow();
    expect(() => client.verify('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toThrow(/signature/);
  });

  it('refuses a proof made with another password', () => {
    const server = rfcServer();
    const client = new ScramClientConversation('user', 'pencils', RFC.clientNonce);
    const serverFirst = server.start(client.first());
    expect(() => server.finish(client.final(serverFirst))).toThrow(ScramError);
  });

  it('refuses channel binding, mandatory extensions, a mismatched authzid and a second finish', () => {
    expect(() => rfcServer().start(`p=tls-unique,,n=user,r=${RFC.clientNonce}`)).toThrow(/channel binding/);
    expect(() => rfcServer().start(`n,,m=ext,n=user,r=${RFC.clientNonce}`)).toThrow(/extensions/);
    expect(() => rfcServer().start(`n,a=other,n=user,r=${RFC.clientNonce}`)).toThrow(/authzid/);
    const server = rfcServer();
    server.start(RFC.clientFirst);
    server.finish(RFC.clientFinal);
    expect(() => server.finish(RFC.clientFinal)).toThrow(/not started/);
  });

  it('decodes =2C and =3D in user names', () => {
    const secrets = deriveScramSecrets('pw', Buffer.alloc(28, 1), 4096);
    const server = new ScramServerConversation((name) => (name === 'a,b=c' ? secrets : undefined));
    const client = new ScramClientConversation('a,b=c', 'pw');
    expect(client.first()).toContain('n=a=2Cb=3Dc,');
    client.verify(server.finish(client.final(server.start(client.first()))));
    expect(server.username).toBe('a,b=c');
  });

  it('refuses passwords SASLprep would change or forbid instead of preparing them partially', () => {
    expect(saslPrepPassword('plain ASCII ok~')).toBe('plain ASCII ok~');
    for (const password of ['pass\u00a0word', 'ＰＡＳＳ', 'tab\there', '密码', '']) {
      expect(() => saslPrepPassword(password)).toThrow(/printable ASCII/);
    }
    expect(() => deriveScramSecrets('\u2168')).toThrow(ScramError);
  });
});
