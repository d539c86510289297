// Package pdtest runs a strict fake of the PagerDuty OAuth 2.0 endpoints and
// of GET /users/me on a loopback address, for tests and demos of pdauth.
//
// Start listens on 127.0.0.1 with a free port by default and serves:
//
//   - GET /oauth/authorize: the authorization endpoint. It approves every
//     valid request at once (no login page) and redirects with 302 to the
//     registered redirect URI with code and state. With Config.Deny it
//     redirects with error=access_denied instead.
//   - POST /oauth/token: the token endpoint for the authorization_code grant
//     with PKCE (S256 only) and for the refresh_token grant.
//   - GET /users/me: the REST API call that returns the user who owns the
//     access token. Its html_url is https://SUBDOMAIN.pagerduty.com/users/ID
//     for both regions, and its avatar_url points to this server, which
//     returns 404 for it.
//
// Every other path returns 404 in the PagerDuty error format.
//
// # Authorization errors
//
// As RFC 6749 section 4.1.2.1 requires, the server never redirects when the
// client_id or redirect_uri is missing, repeated or unknown. It returns 400
// with a short HTML page instead. The redirect URI must equal a registered URI
// byte for byte. Other invalid requests redirect to the redirect URI with the
// query parameters error, error_description and state (state is omitted when
// it is missing or repeated). The error codes are:
//
//   - invalid_request: any repeated parameter, a missing state,
//     response_type, scope, code_challenge or code_challenge_method, a
//     code_challenge_method other than S256, or a code_challenge that is not
//     43 base64url characters.
//   - unsupported_response_type: response_type other than "code".
//   - invalid_scope: scope other than exactly "read" or "write".
//   - access_denied: Config.Deny is set.
//
// # Token endpoint
//
// Requests must be POST with Content-Type application/x-www-form-urlencoded
// and must carry every parameter in the body, each at most once. The client
// sends client_id (and client_secret when Config.ClientSecret is set) as form
// parameters. The server rejects an Authorization header on this endpoint
// with invalid_client, so golang.org/x/oauth2 clients must use
// AuthStyleInParams (AuthStyleAutoDetect works after one failed attempt).
//
// Errors are JSON objects {"error": "...", "error_description": "..."} with
// these status codes:
//
//   - 405 invalid_request: method other than POST (with an Allow header).
//   - 400 invalid_request: wrong Content-Type, parameters in the URL query,
//     unreadable or oversized body, a repeated or missing parameter, or a
//     code_verifier that is not 43 to 128 unreserved characters.
//   - 400 unsupported_grant_type: grant_type other than authorization_code or
//     refresh_token.
//   - 401 invalid_client: missing or unknown client_id, missing or wrong
//     client_secret for a confidential client, or an Authorization header.
//   - 400 invalid_grant: unknown, expired or reused authorization code,
//     redirect_uri different from the authorization request, code_verifier
//     that does not match the code_challenge, or an unknown, rotated or
//     revoked refresh token.
//   - 400 invalid_scope: a refresh request whose scope differs from the
//     granted one.
//
// An authorization code is valid for Config.CodeLifetime and for one
// exchange attempt. The first attempt that passes client authentication and
// has every parameter in valid form uses the code up, even when it then
// fails. A second attempt returns invalid_grant and revokes every access and
// refresh token issued from that code.
//
// A successful response has status 200 and the fields access_token
// ("pdus+_0" and 43 random base64url characters), refresh_token ("pdus+_1"
// and 43 random characters), token_type "bearer", expires_in in seconds,
// scope ("openid " and the granted scope) and id_token. Both grants return
// all of them. The refresh_token grant rotates the refresh token, so the old
// one returns invalid_grant afterwards. Access tokens issued earlier stay
// valid until they expire. Token responses carry Cache-Control: no-store.
//
// Because the tokens contain "+", a client that puts a refresh token into a
// form body without percent-encoding it sends a space instead and gets
// invalid_grant.
//
// The id_token is a JWT signed with HS256 and a random key per server. Its
// claims are iss (Server.URL), aud (Config.APIURL), sub and user_id (the user
// ID), account_id, subdomain, region, iat and exp (Unix seconds).
//
// # REST errors
//
// GET /users/me checks the Authorization header first and the Accept header
// second. Errors use the PagerDuty format
// {"error": {"message": "...", "code": N, "errors": ["..."]}}:
//
//   - 401, message "Unauthorized", code 2006: missing Authorization header,
//     a scheme other than Bearer, or an unknown or expired access token.
//   - 406, message "Not Acceptable", code 2001: no Accept media range equal
//     to application/vnd.pagerduty+json;version=2.
//   - 405, message "Method Not Allowed", code 2001: method other than GET.
//   - 404, message "Not Found", code 2100: unknown path.
//
// # Safety
//
// The listen address, the registered redirect URIs and Config.APIURL must all
// name loopback hosts, because a client under test may send requests or
// tokens to any of them. The server logs its URL and client ID at start, the
// method, path, status and duration of each request, and the error code and
// description of each rejection. It never logs query strings, headers,
// bodies, codes, tokens or secrets.
package pdtest
