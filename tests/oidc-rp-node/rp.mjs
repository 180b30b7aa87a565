// An independent relying party: Node openid-client (panva), used as its documentation shows,
// driven by the black-box tests (tests/tests/gateway/relying_parties.rs) over stdin/stdout:
//
//   node rp.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI MODE [JAR_KEY_PEM]
//
// MODE is `plain` (query parameters), `par` (RFC 9126) or `jar` (RFC 9101, signed with the P-256
// key in JAR_KEY_PEM, kid "rp1"). Prints `AUTHORIZE <url>`, reads the URL the browser came back to
// on one line, then prints `CLAIMS <json>` (ID token claims, signature verified by the library
// against the issuer's JWKS), `USERINFO <json>` and `OK`; or `ERROR <error>` when the
// authorization response carries an error (the library has checked `iss` and `state` first).
import * as client from 'openid-client';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';

const [issuer, clientId, clientSecret, redirectUri, mode, keyPem] = process.argv.slice(2);

const config = await client.discovery(
  new URL(issuer),
  clientId,
  undefined,
  client.ClientSecretBasic(clientSecret),
  // The test gateway listens on loopback HTTP.
  { execute: [client.allowInsecureRequests] },
);

const codeVerifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const parameters = {
  redirect_uri: redirectUri,
  scope: 'openid profile',
  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
  code_challenge_method: 'S256',
  state,
  nonce,
};

let url;
if (mode === 'par') {
  url = await client.buildAuthorizationUrlWithPAR(config, parameters);
} else if (mode === 'jar') {
  const der = Buffer.from(
    readFileSync(keyPem, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
    'base64',
  );
  const key = await webcrypto.subtle.importKey(
    'pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'],
  );
  url = await client.buildAuthorizationUrlWithJAR(config, parameters, { key, kid: 'rp1' });
} else {
  url = client.buildAuthorizationUrl(config, parameters);
}
console.log(`AUTHORIZE ${url.href}`);

const lines = createInterface({ input: process.stdin });
const callback = await new Promise((resolve) => lines.once('line', resolve));
lines.close();

try {
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  console.log(`CLAIMS ${JSON.stringify(claims)}`);
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  console.log(`USERINFO ${JSON.stringify(userinfo)}`);
  console.log('OK');
} catch (e) {
  if (e instanceof client.AuthorizationResponseError) {
    console.log(`ERROR ${e.error}`);
  } else {
    console.error(e);
    process.exit(1);
  }
}
