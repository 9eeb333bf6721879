// Verifies a jogtrack access token with `jose`, a mainstream JWT library, the way a
// resource server written by someone else would (used by tests/api/test_jwt_interop.py).
// Usage: node verify-jwt.mjs TOKEN   (env JWT_SECRET, JWT_AUDIENCE, JWT_ISSUER)
// Prints {"header":..., "payload":...} and exits 0, or prints the error and exits 1.
import { jwtVerify } from 'jose';

const [token] = process.argv.slice(2);
const secret = new TextEncoder().encode(process.env.JWT_SECRET ?? '');
try {
  const { payload, protectedHeader } = await jwtVerify(token, secret, {
    algorithms: ['HS256'],
    issuer: process.env.JWT_ISSUER ?? 'jogtrack',
    audience: process.env.JWT_AUDIENCE ?? 'jogtrack',
    typ: 'at+jwt',
    requiredClaims: ['jti', 'sub', 'iat', 'exp'],
  });
  console.log(JSON.stringify({ header: protectedHeader, payload }));
} catch (e) {
  console.log(`${e.code ?? 'ERROR'}: ${e.message}`);
  process.exit(1);
}
