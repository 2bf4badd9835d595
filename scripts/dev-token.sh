#!/usr/bin/env bash
# Mints an HS256 development token for the embedded default.
#   scripts/dev-token.sh [--email ADDRESS] USER_ID [SCOPE] [LIFETIME_SECONDS]
# --email adds the `email` claim: the address the identity provider vouches for, the only
# one a user may assert when joining through an organization's invite link.
# Signs with $MEMBERSHIP_JWT_SECRET, or the development default the service also uses.
set -euo pipefail
usage='usage: dev-token.sh [--email ADDRESS] USER_ID [SCOPE] [LIFETIME_SECONDS]'
email=
if [ "${1:-}" = "--email" ]; then
	email=${2:?$usage}
	shift 2
fi
user_id=${1:?$usage}
scope=${2:-}
lifetime=${3:-3600}
secret=${MEMBERSHIP_JWT_SECRET:-membership-development-secret-change-me!}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
json_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
claims="{\"sub\":\"${user_id}\",\"exp\":$(( $(date +%s) + lifetime ))"
[ -n "$scope" ] && claims="${claims},\"scope\":\"${scope}\""
[ -n "$email" ] && claims="${claims},\"email\":$(json_string "$email")"
claims="${claims}}"
payload=$(printf '%s' "$claims" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -binary -sha256 -hmac "$secret" | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
