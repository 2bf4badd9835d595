#!/usr/bin/env bash
# Mints an HS256 development token for the embedded default.
#   scripts/dev-token.sh USER_ID [SCOPE] [LIFETIME_SECONDS]
# Signs with $MEMBERSHIP_JWT_SECRET, or the development default the service also uses.
set -euo pipefail
user_id=${1:?usage: dev-token.sh USER_ID [SCOPE] [LIFETIME_SECONDS]}
scope=${2:-}
lifetime=${3:-3600}
secret=${MEMBERSHIP_JWT_SECRET:-membership-development-secret-change-me!}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
claims="{\"sub\":\"${user_id}\",\"exp\":$(( $(date +%s) + lifetime ))"
[ -n "$scope" ] && claims="${claims},\"scope\":\"${scope}\""
claims="${claims}}"
payload=$(printf '%s' "$claims" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -binary -sha256 -hmac "$secret" | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
