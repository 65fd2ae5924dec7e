#!/usr/bin/env bash
# AKS Identity Atlas — offline collector, as one script you can read before you run it.
#
#   deploy/collect.sh tenant.json [subscription-id ...]
#
# It runs only `az` (your own `az login`), `kubectl` and `jq`, reads what AKS Identity Atlas needs, and
# writes a tenant file (docs/tenant-file.md) that `aks-atlas import tenant.json` stores as a scan. Nothing
# is sent anywhere; the file stays with you. Every read is a GET, except listClusterUserCredential (the
# user kubeconfig `az aks get-credentials` also fetches; never the admin one) and Graph's getByIds, a read
# sent as POST (and Graph's $batch, which carries GETs). What it cannot read is written to the file's
# coverage.unread, so the import marks it.
#
# It reads what `aks-atlas collect` reads, through the same APIs: the Azure inventory and RBAC, every
# cluster's Kubernetes RBAC, and the directory around them — principals, group members, the directory
# roles that lead to clusters (active and PIM-eligible), PIM for Groups, the owners of the groups,
# service principals and applications involved, those applications' federated identity credentials, and
# the Microsoft Graph application permissions that lead somewhere. Needs bash 4, az 2.40+, kubectl, jq.
#
# Exit status: 0 the file is complete; 2 the file is written and names what could not be read;
# 1 nothing usable was written (the message says why).
set -Eeuo pipefail

usage="usage: collect.sh tenant.json [subscription-id ...]"
die() { echo "collect.sh: $*" >&2; exit 1; }
case "${1:-}" in
  "" | -h | --help) die "$usage" ;;
  -*) die "unknown option $1 ($usage)" ;;
esac
out="$1"
shift
only_subscriptions=("$@")
for tool in az kubectl jq; do
  command -v "$tool" >/dev/null || die "$tool is not installed (this script needs az, kubectl and jq on PATH)"
done
[ -d "$(dirname -- "$out")" ] || die "cannot write $out: the folder $(dirname -- "$out") does not exist"
work="$(mktemp -d)" || die "cannot create a temporary folder"
trap 'rm -rf "$work"' EXIT
# Anything that fails outside the checks below stops the script with its place, never silently.
trap 'echo "collect.sh: stopped: \"$BASH_COMMAND\" failed (line $LINENO); no tenant file was written" >&2' ERR
unread="$work/unread.json"
echo '{}' >"$unread"

say() { echo "  $*" >&2; }

# Record a source that could not be read (completely): status partial|not-read, and why.
mark() { # source status reason
  jq --arg s "$1" --arg st "$2" --arg r "$3" \
    'if .[$s] == null then .[$s] = {status: $st, reason: $r} else .[$s].reason += "; " + $r end' \
    "$unread" >"$unread.new" && mv "$unread.new" "$unread"
}

# GET every page of an ARM or Graph list (nextLink / @odata.nextLink), printing one JSON array.
# Extra az arguments (e.g. --resource for Graph) follow the url. Pages go through files, not arguments
# (a page of role definitions is larger than a command line may be), and every step checks its own
# failure: `set -e` does not apply inside a function called before `||`.
list() {
  local url="$1" page items
  shift
  page="$(mktemp -p "$work")" items="$(mktemp -p "$work")"
  echo '[]' >"$items"
  while [ -n "$url" ]; do
    az rest --only-show-errors --method get --url "$url" "$@" -o json >"$page" || return 1
    jq -s '.[0] + (.[1].value // [])' "$items" "$page" >"$items.new" && mv "$items.new" "$items" || return 1
    url="$(jq -r '.nextLink // ."@odata.nextLink" // empty' "$page")" || return 1
  done
  cat "$items"
  rm -f "$page" "$items"
}

# The reason az gave, in one line.
why() { grep -v '^WARNING' "$work/err" | head -n 1 | cut -c1-300; }

# 1. Who is signed in, and where: the tenant and the cloud's endpoints are your az's.
say "az: the signed-in account"
az account show -o json >"$work/account.json" 2>"$work/err" ||
  die "az has no signed-in account (run az login first): $(why)"
tenant="$(jq -r '.tenantId | ascii_downcase' "$work/account.json")"
tenant_name="$(jq -r '.tenantDisplayName // empty' "$work/account.json")"
graph_resource="$(az cloud show --query endpoints.microsoftGraphResourceId -o tsv 2>"$work/err")" ||
  die "az cloud show failed: $(why)"
graph_resource="${graph_resource:-https://graph.microsoft.com/}"
graph="${graph_resource%/}/v1.0"

# 2. Subscriptions and management groups.
say "az: subscriptions and management groups"
list "/subscriptions?api-version=2022-12-01" >"$work/subscriptions.json" 2>"$work/err" ||
  die "cannot list subscriptions: $(why)"
jq --arg t "$tenant" '[.[] | select((.tenantId // $t) == $t and .state != "Disabled")]' \
  "$work/subscriptions.json" >"$work/visible.json"
if [ ${#only_subscriptions[@]} -gt 0 ]; then
  wanted="$(printf '%s\n' "${only_subscriptions[@]}" | jq -R 'ascii_downcase' | jq -s .)"
  for id in "${only_subscriptions[@]}"; do
    jq -e --arg id "${id,,}" 'any(.[]; (.subscriptionId | ascii_downcase) == $id)' "$work/visible.json" >/dev/null ||
      mark "sub:${id,,}" not-read "subscription $id is not visible to the signed-in account"
  done
  jq --argjson w "$wanted" '[.[] | select((.subscriptionId | ascii_downcase) as $s | $w | index($s))]' \
    "$work/visible.json" >"$work/visible.new" && mv "$work/visible.new" "$work/visible.json"
fi

echo '[]' >"$work/management-groups.json"
groups_read=true
if groups="$(list "/providers/Microsoft.Management/managementGroups?api-version=2021-04-01" 2>"$work/err")"; then
  for name in $(jq -r '.[].name' <<<"$groups"); do
    if group="$(az rest --only-show-errors --url "/providers/Microsoft.Management/managementGroups/$name?api-version=2021-04-01&\$expand=children" -o json 2>"$work/err")"; then
      jq --argjson g "$group" '. + [{name: $g.name, displayName: ($g.properties.displayName // $g.name),
          parent: ($g.properties.details.parent.name // null),
          subscriptions: [($g.properties.children // [])[] | select(.type == "/subscriptions") | .name | ascii_downcase]}]' \
        "$work/management-groups.json" >"$work/mg.new" && mv "$work/mg.new" "$work/management-groups.json"
    else mark directory partial "management group $name: $(why)"; fi
  done
else groups_read=false; mark directory partial "management groups: $(why)"; fi

# 3. Per subscription: clusters, identities with their federated credentials, RBAC, PIM, deny assignments.
echo '{}' >"$work/resources-by-subscription.json"
for kind in resources roleAssignments roleDefinitions denyAssignments eligibilities schedules; do echo '[]' >"$work/$kind.json"; done
pim_licensed=true
append() { # file, JSON array on stdin
  jq -s '.[0] + .[1]' "$1" - >"$1.new" && mv "$1.new" "$1"
}
for sub in $(jq -r '.[].subscriptionId | ascii_downcase' "$work/visible.json"); do
  say "az: subscription $sub"
  base="/subscriptions/$sub/providers"
  read_into() { # file url
    list "$2" 2>"$work/err" | append "$1" || mark "sub:$sub" partial "$(why)"
  }
  echo '[]' >"$work/clusters-$sub.json"
  read_into "$work/clusters-$sub.json" "$base/Microsoft.ContainerService/managedClusters?api-version=2024-09-01"
  if identities="$(list "$base/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31" 2>"$work/err")"; then
    for id in $(jq -r '.[].id' <<<"$identities"); do
      if credentials="$(list "$id/federatedIdentityCredentials?api-version=2025-01-31-preview" 2>"$work/err")"; then
        identities="$(jq --arg id "$id" --argjson c "$credentials" \
          'map(if .id == $id then . + {federatedIdentityCredentials: $c} else . end)' <<<"$identities")"
      else mark "sub:$sub" partial "federated credentials of $id: $(why)"; fi
    done
  else identities='[]'; mark "sub:$sub" partial "identities: $(why)"; fi
  jq -s '.[0] + .[1]' "$work/clusters-$sub.json" <(echo "$identities") >"$work/resources-$sub.json"
  jq --arg s "$sub" --slurpfile r "$work/resources-$sub.json" '.[$s] = $r[0]' "$work/resources-by-subscription.json" \
    >"$work/r.new" && mv "$work/r.new" "$work/resources-by-subscription.json"
  read_into "$work/roleAssignments.json" "$base/Microsoft.Authorization/roleAssignments?api-version=2022-04-01"
  list "$base/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&\$filter=atScopeAndBelow()" 2>"$work/err" |
    jq '[.[] | select(.properties.type == "CustomRole")]' | append "$work/roleDefinitions.json" ||
    mark "sub:$sub" partial "role definitions: $(why)"
  read_into "$work/denyAssignments.json" "$base/Microsoft.Authorization/denyAssignments?api-version=2022-04-01"
  if $pim_licensed; then
    if list "$base/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01" 2>"$work/err" | append "$work/eligibilities.json"; then
      # Only time-bound or activated instances say more than the role assignment they are.
      list "$base/Microsoft.Authorization/roleAssignmentScheduleInstances?api-version=2020-10-01" 2>"$work/err" |
        jq '[.[] | select(.properties.endDateTime != null or .properties.assignmentType == "Activated")]' |
        append "$work/schedules.json" || mark "pim:azure" partial "$(why)"
    elif grep -q AadPremiumLicenseRequired "$work/err"; then pim_licensed=false # no Entra ID P2: recorded as such
    else mark "pim:azure" partial "$(why)"; fi
  fi
done
# Assignments are listed per subscription with those inherited from above: keep each once.
for kind in roleAssignments roleDefinitions denyAssignments eligibilities schedules; do
  jq 'unique_by(.id | ascii_downcase)' "$work/$kind.json" >"$work/$kind.new" && mv "$work/$kind.new" "$work/$kind.json"
done

# PIM role settings (approval, maximum activation) at every scope that holds an eligibility: the scope's
# policy assignments and each policy they name. Written only when all were read: without them the settings
# stay unknown, with a missing one it would read as PIM's defaults.
echo '[]' >"$work/policyAssignments.json"
echo '[]' >"$work/policies.json"
settings_read=$pim_licensed
if $pim_licensed; then
  for scope in $(jq -r '[.[].properties.scope // empty] | unique | .[]' "$work/eligibilities.json"); do
    list "$scope/providers/Microsoft.Authorization/roleManagementPolicyAssignments?api-version=2020-10-01" 2>"$work/err" |
      append "$work/policyAssignments.json" || { settings_read=false; mark "pim:azure" partial "role settings at $scope: $(why)"; }
  done
  jq 'unique_by(.id | ascii_downcase)' "$work/policyAssignments.json" >"$work/pa.new" && mv "$work/pa.new" "$work/policyAssignments.json"
  for policy in $(jq -r '[.[].properties.policyId // empty | ascii_downcase] | unique | .[]' "$work/policyAssignments.json"); do
    if az rest --only-show-errors --method get --url "$policy?api-version=2020-10-01" -o json >"$work/policy.json" 2>"$work/err"; then
      jq -s '.[0] + [.[1]]' "$work/policies.json" "$work/policy.json" >"$work/po.new" && mv "$work/po.new" "$work/policies.json"
    else settings_read=false; mark "pim:azure" partial "role settings policy $policy: $(why)"; fi
  done
fi

# 4. Kubernetes: every cluster's objects through kubectl, with the user kubeconfig AKS hands out. On Entra
#    clusters the kubeconfig's user becomes a token from your az login (no kubelogin needed).
echo '{}' >"$work/clusters.json"
for sub in $(jq -r '.[].subscriptionId | ascii_downcase' "$work/visible.json"); do
  for cluster in $(jq -r '.[].id' "$work/clusters-$sub.json"); do
    say "kubectl: $cluster"
    key="cluster:${cluster,,}"
    data='{"reachable": false}'
    if creds="$(az rest --only-show-errors --method post --url "$cluster/listClusterUserCredential?api-version=2024-09-01" -o json 2>"$work/err")"; then
      jq -r '.kubeconfigs[0].value' <<<"$creds" | base64 -d >"$work/kubeconfig"
      chmod 600 "$work/kubeconfig"
      aad="$(jq -c --arg id "$cluster" '.[] | select(.id == $id) | .properties.aadProfile // empty' "$work/clusters-$sub.json")"
      signed_in=true
      if [ -n "$aad" ]; then
        server_app="$(jq -r 'if .managed then "6dae42f8-4368-4678-94ff-3960e28e3630" else .serverAppID end' <<<"$aad")"
        if token="$(az account get-access-token --resource "$server_app" --query accessToken -o tsv 2>"$work/err")"; then
          # kubectl refuses the legacy azure auth-provider even with --token: make the user a plain token user.
          kubectl --kubeconfig "$work/kubeconfig" config view --raw -o json |
            jq --arg t "$token" '.users |= map(.user = {token: $t})' >"$work/kubeconfig.json"
          mv "$work/kubeconfig.json" "$work/kubeconfig"
        else
          signed_in=false
          mark "$key" not-read "az account get-access-token --resource $server_app: $(why)"
        fi
      fi
      k() { kubectl --kubeconfig "$work/kubeconfig" --request-timeout 60s "$@"; }
      if ! $signed_in; then :
      elif objects="$(k get namespaces,serviceaccounts,pods,roles,rolebindings,clusterroles,clusterrolebindings -A -o json 2>"$work/err")"; then
        objects="$(jq '[.items[] | del(.metadata.managedFields)]' <<<"$objects")"
        for kind in azureidentities azureidentitybindings azurepodidentityexceptions secretproviderclasses; do
          if more="$(k get "$kind" -A -o json 2>"$work/err")"; then
            objects="$(jq -s '.[0] + [.[1].items[] | del(.metadata.managedFields)]' <(echo "$objects") <(echo "$more"))"
          elif ! grep -Eiq "doesn't have a resource type|the server could not find the requested resource" "$work/err"; then mark "$key" partial "kubectl get $kind: $(why)"; fi
        done
        data="$(jq -c '{includeDefaults: false, objects: .}' <<<"$objects")"
      else mark "$key" not-read "kubectl get: $(why)"; fi
    else mark "$key" not-read "listClusterUserCredential: $(why)"; fi
    echo "$data" >"$work/cluster-data.json"
    jq --arg id "$cluster" --slurpfile d "$work/cluster-data.json" '.[$id] = $d[0]' "$work/clusters.json" >"$work/c.new" &&
      mv "$work/c.new" "$work/clusters.json"
  done
done

# 5. The directory, as `aks-atlas collect` reads it: every principal the inventory names (assignments,
#    eligibilities, deny assignments, identities, admin groups, binding subjects — object ids, and users
#    named by UPN), the members of every group among them (nested), and the governance around them.
say "az: the directory (Microsoft Graph)"
jq -s '[ (.[0][] | .properties.principalId), (.[1][] | .properties.principalId),
         (.[2][] | .properties | (.principals // []) + (.excludePrincipals // []) | .[]
                 | select((.type // "" | ascii_downcase) | IN("user", "group", "serviceprincipal")) | .id),
         (.[3][] | (.identity.principalId?, .properties.principalId,
                   (.properties.identityProfile // {} | .[].objectId?),
                   (.properties.addonProfiles // {} | .[].identity.objectId?),
                   (.properties.podIdentityProfile.userAssignedIdentities // [] | .[].identity.objectId?),
                   (.properties.aadProfile.adminGroupObjectIDs // [])[])),
         (.[4] | .[].objects[]? | select(.kind | test("RoleBinding$")) | .subjects[]? | select(.kind != "ServiceAccount") | .name) ]
       | map(select(type == "string" and test("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")) | ascii_downcase)
       | unique' \
  "$work/roleAssignments.json" "$work/eligibilities.json" "$work/denyAssignments.json" \
  <(jq '[.[][]]' "$work/resources-by-subscription.json") "$work/clusters.json" >"$work/ids.json"

# A Graph directory object as the tenant file's principal: type User|Group|ServicePrincipal, id lower-case.
principal='def principal: ((."@odata.type" // "") | ascii_downcase | sub("#microsoft.graph."; "")) as $t
  | {user: "User", group: "Group", serviceprincipal: "ServicePrincipal"}[$t] as $k
  | if $k == null or (.id | type) != "string" then empty
    else . + {id: (.id | ascii_downcase), type: $k, displayName: (if (.displayName // "") == "" then .id else .displayName end)}
    end;'
echo '[]' >"$work/principals.json"
# Adds directory objects (a JSON array in a file) to the principals; one already known is kept as it is.
remember() {
  jq -s "$principal"' .[0] + [.[1][] | principal] | unique_by(.id)' "$work/principals.json" "$1" >"$work/p.new" &&
    mv "$work/p.new" "$work/principals.json"
}
# Resolves object ids (a JSON array in a file) with getByIds, 1000 to a request.
resolve() {
  local count at
  count="$(jq length "$1")"
  for ((at = 0; at < count; at += 1000)); do
    jq -c --argjson at "$at" '{ids: .[$at:$at + 1000], types: ["user", "group", "servicePrincipal"]}' "$1" >"$work/ids-body.json"
    if az rest --only-show-errors --method post --url "$graph/directoryObjects/getByIds" --resource "$graph_resource" \
      --headers Content-Type=application/json --body @"$work/ids-body.json" -o json >"$work/resolved.json" 2>"$work/err"; then
      jq '.value // []' "$work/resolved.json" >"$work/resolved-objects.json"
      remember "$work/resolved-objects.json"
    else mark directory partial "getByIds: $(why)"; fi
  done
}

# Graph GETs (a JSON array of urls relative to $graph, in a file), sent 20 to a $batch request (Graph's
# limit). Prints one outcome per url, in order: {url, ok: true, body, items} with every page of a list,
# or {url, ok: false, code, message} with Graph's own error.
batch() {
  local count at next
  count="$(jq length "$1")"
  echo '[]' >"$work/outcomes.json"
  for ((at = 0; at < count; at += 20)); do
    jq -c --argjson at "$at" '{requests: [.[$at:$at + 20] | to_entries[] | {id: (.key | tostring), method: "GET", url: .value}]}' \
      "$1" >"$work/batch-body.json"
    if az rest --only-show-errors --method post --url "$graph/\$batch" --resource "$graph_resource" \
      --headers Content-Type=application/json --body @"$work/batch-body.json" -o json >"$work/batch.json" 2>"$work/err"; then
      jq -c --argjson at "$at" --slurpfile urls "$1" '
          .responses as $r
          | [$urls[0][$at:$at + 20] | to_entries[] | .key as $i | .value as $url
             | (first($r[] | select(.id == ($i | tostring))) // null) as $answer
             | if $answer == null or $answer.status >= 400 then
                 {url: $url, ok: false, code: ($answer.body.error.code // "HTTP\($answer.status // "?")"),
                  message: ($answer.body.error.message // "no answer in the batch")}
               else {url: $url, ok: true, body: ($answer.body // {}), items: ($answer.body.value // [])} end]' \
        "$work/batch.json" >"$work/chunk.json"
    else
      # The whole request failed: every url in it failed for that reason.
      code="$(grep -o 'AadPremiumLicenseRequired' "$work/err" | head -n 1 || true)"
      jq -c --argjson at "$at" --arg code "${code:-AzCliError}" --arg message "$(why)" \
        '[.[$at:$at + 20][] | {url: ., ok: false, code: $code, message: $message}]' "$1" >"$work/chunk.json"
    fi
    # Further pages of a list come from its @odata.nextLink, read like any other list.
    for index in $(jq -r 'to_entries[] | select(.value.ok and .value.body["@odata.nextLink"] != null) | .key' "$work/chunk.json"); do
      next="$(jq -r --argjson i "$index" '.[$i].body["@odata.nextLink"]' "$work/chunk.json")"
      if list "$next" --resource "$graph_resource" >"$work/more.json" 2>"$work/err"; then
        jq --argjson i "$index" --slurpfile more "$work/more.json" '.[$i].items += $more[0]' "$work/chunk.json" >"$work/chunk.new"
      else
        jq --argjson i "$index" --arg message "$(why)" '.[$i] = {url: .[$i].url, ok: false, code: "AzCliError", message: $message}' \
          "$work/chunk.json" >"$work/chunk.new"
      fi
      mv "$work/chunk.new" "$work/chunk.json"
    done
    jq -s '.[0] + .[1]' "$work/outcomes.json" "$work/chunk.json" >"$work/outcomes.new" && mv "$work/outcomes.new" "$work/outcomes.json"
  done
  cat "$work/outcomes.json"
}
# A failed Graph read as a coverage reason.
graph_reason() { jq -r '.[] | select(.ok | not) | "GET \(.url | split("?")[0]): \(.code): \(.message)"' "$1" | sort -u | paste -sd ';' | sed 's/;/; /g'; }
failed_into() { # outcomes file, source [not-found-is-fine]: the failures make the source partial
  local reason
  reason="$(jq --arg tolerant "${3:-}" '[.[] | select(.ok | not) | select($tolerant == "" or (.code | test("NotFound"; "i") | not))]' \
    "$1" >"$work/failed.json" && graph_reason "$work/failed.json")"
  [ -z "$reason" ] || mark "$2" partial "$reason"
}

resolve "$work/ids.json"

# Users that Kubernetes bindings name by UPN. Kubernetes compares the UPN exactly; Graph does not.
jq '[.[].objects[]? | select(.kind | test("RoleBinding$")) | .subjects[]? | select(.kind == "User")
     | .name | select(type == "string" and contains("@") and (startswith("system:") | not)
                      and (test("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$") | not))]
    | unique' "$work/clusters.json" >"$work/upns.json"
jq '[.[] | "/users?$filter=" + ("userPrincipalName eq '"'"'\(gsub("'"'"'"; "'"''"'"))'"'"'" | @uri)
          + "&$select=id,displayName,userPrincipalName"]' "$work/upns.json" >"$work/upn-urls.json"
batch "$work/upn-urls.json" >"$work/upn-outcomes.json"
failed_into "$work/upn-outcomes.json" directory
jq --slurpfile upns "$work/upns.json" '[to_entries[] | select(.value.ok) | $upns[0][.key] as $upn
     | .value.items[] | select(.userPrincipalName == $upn) | {"@odata.type": "#microsoft.graph.user"} + .]' \
  "$work/upn-outcomes.json" >"$work/upn-users.json"
remember "$work/upn-users.json"

# The members of every group among the principals; members that are groups are expanded in turn.
echo '[]' >"$work/expanded.json"
expand_groups() {
  while :; do
    jq --slurpfile done "$work/expanded.json" '[.[] | select(.type == "Group") | .id | select(. as $id | $done[0] | index($id) | not)]' \
      "$work/principals.json" >"$work/frontier.json"
    [ "$(jq length "$work/frontier.json")" -eq 0 ] && return 0
    jq -s '.[0] + .[1]' "$work/expanded.json" "$work/frontier.json" >"$work/e.new" && mv "$work/e.new" "$work/expanded.json"
    jq '[.[] | "/groups/\(.)/members?$top=999"]' "$work/frontier.json" >"$work/member-urls.json"
    batch "$work/member-urls.json" >"$work/member-outcomes.json"
    failed_into "$work/member-outcomes.json" directory
    jq "$principal"'[.[] | select(.ok) | .items[]]' "$work/member-outcomes.json" >"$work/members.json"
    remember "$work/members.json"
    jq -s "$principal"' .[1] as $frontier | .[2] as $outcomes
        | .[0] | map(.id as $id | ($frontier | index($id)) as $i
            | if $i == null or ($outcomes[$i].ok | not) then . else . + {members: [$outcomes[$i].items[] | principal | .id]} end)' \
      "$work/principals.json" "$work/frontier.json" "$work/member-outcomes.json" >"$work/p.new" &&
      mv "$work/p.new" "$work/principals.json"
  done
}
expand_groups

# Governance. The directory roles that lead to clusters (built-in template ids: exactly
# DIRECTORY_ROLE_TEMPLATES in lib/model/directory.ts, which lib/collect/collect-script-agreement.test.ts
# checks), held and PIM-eligible; without Entra ID P2 the eligibility reads are refused, and the file says P1.
say "az: directory roles, PIM for Groups, owners (Microsoft Graph)"
roles='62e90394-69f5-4237-9190-012177145e10 e8611ab8-c189-46e8-94e1-60213ab1f814 fdd7a751-b60b-444a-984c-02652fe8fa1c
  fe930be7-5e62-47db-91af-98c3a49a38b1 9360feb5-f418-4baa-8175-e2a00bac4301 9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3
  158c047a-c907-4556-b7ef-446551a6b5f7 45d8d3c5-c802-45c6-b32a-1d70b5e1e86e 3a2c62db-5318-420d-8d74-23affee5d9d5
  8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2 7be44c8a-adaf-4e2a-84d6-ab2649e08a13 e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8
  729827e3-9c14-49f7-bb1b-9608f156bbb8 966707d0-3269-4727-9be2-8c3a10f19b9d c4e39bd9-1100-46d3-8c65-fb160da0071f'
license=P2
pim_refused() { # outcomes file: the licence refusal sets P1, any other failure makes PIM partial
  jq -e 'any(.[]; (.ok | not) and .code == "AadPremiumLicenseRequired")' "$1" >/dev/null && license=P1
  jq '[.[] | select((.ok | not) and .code != "AadPremiumLicenseRequired")]' "$1" >"$work/failed.json"
  local reason
  reason="$(graph_reason "$work/failed.json")"
  [ -z "$reason" ] || mark directory:pim partial "$reason"
}
printf '%s\n' $roles | jq -R . | jq -s '[.[] | ("roleDefinitionId eq '"'"'\(.)'"'"'" | @uri) as $f
    | "/roleManagement/directory/roleAssignments?$filter=\($f)&$top=999",
      "/roleManagement/directory/roleEligibilityScheduleInstances?$filter=\($f)&$top=999"]' >"$work/role-urls.json"
batch "$work/role-urls.json" >"$work/role-outcomes.json"
jq '[.[] | select(.url | contains("Eligibility") | not)]' "$work/role-outcomes.json" >"$work/held.json"
jq '[.[] | select(.url | contains("Eligibility"))]' "$work/role-outcomes.json" >"$work/eligible.json"
failed_into "$work/held.json" directory
pim_refused "$work/eligible.json"
# Graph's ids too: the model keeps them, so an import and a scan of the same role record the same thing.
jq '[.[] | select(.ok) | .items[] | (if (.id | type) == "string" and .id != "" then {id} else {} end)
      + {principalId: (.principalId | ascii_downcase), roleDefinitionId: (.roleDefinitionId | ascii_downcase),
      directoryScopeId: (.directoryScopeId // "/")}]' "$work/held.json" >"$work/entra-roles.json"
jq '[.[] | select(.ok) | .items[] | (if (.id | type) == "string" and .id != "" then {id} else {} end)
      + {principalId: (.principalId | ascii_downcase), roleDefinitionId: (.roleDefinitionId | ascii_downcase),
      directoryScopeId: (.directoryScopeId // "/")} + (if .startDateTime then {startDateTime} else {} end)
      + {endDateTime: (.endDateTime // null)}]' "$work/eligible.json" >"$work/entra-eligible.json"

# Microsoft Graph's application permissions that lead somewhere, as the scanner reads them (app role ids:
# exactly GRAPH_ESCALATION_PERMISSIONS in lib/model/directory.ts): Graph's own service principal (kept among
# the principals: the file's assignments name it as their resource), then the app roles granted on it.
# Their holders are principals governance names.
graph_permissions='9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8 06b708a9-e830-4db3-a914-8e69da51d44f 1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9
  dbaae8cf-10b5-4b86-a4a1-f871c94c6695 62a82d76-70ea-41e2-9197-370581804d09 19dbc75e-c2e2-444c-a770-ec69d8559fc7
  dd199f4a-f148-40a4-a2ec-f0069cc799ec 41202f2c-f7ab-45be-b001-85c9728b9d69 50483e42-d915-4231-9639-7fdb7fd190e5
  627169a8-8c15-451c-861a-5b80e383de5c'
echo '[]' >"$work/entra-app-roles.json"
jq -n '["/servicePrincipals(appId='"'"'00000003-0000-0000-c000-000000000000'"'"')?$select=id,appId,displayName,servicePrincipalType"]' \
  >"$work/graph-sp-urls.json"
batch "$work/graph-sp-urls.json" >"$work/graph-sp-outcomes.json"
failed_into "$work/graph-sp-outcomes.json" directory not-found-is-fine
if jq -e '.[0].ok and (.[0].body.id | type) == "string"' "$work/graph-sp-outcomes.json" >/dev/null; then
  # only the object's own members: Graph's @odata.context would put the endpoint's URL into the file
  jq '[{"@odata.type": "#microsoft.graph.servicePrincipal"} + (.[0].body | with_entries(select(.key | startswith("@odata.") | not)))]' \
    "$work/graph-sp-outcomes.json" >"$work/graph-sp.json"
  remember "$work/graph-sp.json"
  jq '[.[0].body.id | ascii_downcase | "/servicePrincipals/\(.)/appRoleAssignedTo?$top=999"]' "$work/graph-sp-outcomes.json" \
    >"$work/granted-urls.json"
  batch "$work/granted-urls.json" >"$work/granted-outcomes.json"
  failed_into "$work/granted-outcomes.json" directory
  jq --arg wanted "$graph_permissions" --slurpfile sp "$work/graph-sp.json" 'def lower: if type == "string" then ascii_downcase else "" end;
      [$wanted | splits("\\s+") | select(length > 0)] as $wanted
      | [.[0] | select(.ok) | .items[] | (.appRoleId | lower) as $role
       | select(($wanted | index($role)) and (.deletedDateTime // "") == "")
       | (if (.id | type) == "string" and .id != "" then {id} else {} end)
         + {principalId: (.principalId | lower), resourceId: ($sp[0][0].id | ascii_downcase), appRoleId: $role}]' \
    "$work/granted-outcomes.json" >"$work/entra-app-roles.json"
fi

# Every group's PIM for Groups eligibilities and owners; every service principal's owners and its
# application (when it is this tenant's) with that application's owners and federated credentials.
jq '[.[].id]' "$work/principals.json" >"$work/governed.json"
jq '[.[] | select(.type == "Group") | .id]' "$work/principals.json" >"$work/groups.json"
jq '[.[] | ("groupId eq '"'"'\(.)'"'"'" | @uri) as $f
     | "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=\($f)&$top=999",
       "/groups/\(.)/owners?$top=999"]' "$work/groups.json" >"$work/group-urls.json"
batch "$work/group-urls.json" >"$work/group-outcomes.json"
jq --slurpfile g "$work/groups.json" '[to_entries[] | select(.key % 2 == 0) | .value]' "$work/group-outcomes.json" >"$work/group-pim.json"
jq --slurpfile g "$work/groups.json" '[to_entries[] | select(.key % 2 == 1) | .value + {objectId: $g[0][(.key - 1) / 2]}]' \
  "$work/group-outcomes.json" >"$work/group-owners.json"
pim_refused "$work/group-pim.json"
failed_into "$work/group-owners.json" directory not-found-is-fine
jq --slurpfile g "$work/groups.json" '[to_entries[] | select(.value.ok) | $g[0][.key] as $group | .value.items[]
     | (if (.id | type) == "string" and .id != "" then {id} else {} end)
       + {groupId: $group, principalId: (.principalId | ascii_downcase), accessId, endDateTime: (.endDateTime // null)}]' \
  "$work/group-pim.json" >"$work/entra-group-pim.json"

jq '[.[] | select(.ok) | {objectId, ownerIds: [.items[].id | select(type == "string") | ascii_downcase]} | select(.ownerIds | length > 0)]' \
  "$work/group-owners.json" >"$work/entra-owners.json"

# Service principals (principals, a JSON array in a file): their owners, and their application (when it
# is this tenant's) with that application's owners and federated identity credentials. Adds to
# entra-applications.json and entra-owners.json.
echo '[]' >"$work/entra-applications.json"
govern_service_principals() {
  jq '[.[] | select(.type == "ServicePrincipal" and (.appId | type) == "string") | {id, appId: (.appId | ascii_downcase), displayName}]' \
    "$1" >"$work/sps.json"
  jq '[.[] | "/servicePrincipals/\(.id)/owners?$top=999", "/applications(appId='"'"'\(.appId)'"'"')?$select=id,appId,displayName"]' \
    "$work/sps.json" >"$work/sp-urls.json"
  batch "$work/sp-urls.json" >"$work/sp-outcomes.json"
  failed_into "$work/sp-outcomes.json" directory not-found-is-fine
  jq --slurpfile s "$work/sps.json" '[to_entries[] | select(.key % 2 == 1 and .value.ok) | $s[0][(.key - 1) / 2] as $sp
       | {id: (.value.body.id | ascii_downcase), appId: $sp.appId, displayName: (.value.body.displayName // $sp.displayName)}]' \
    "$work/sp-outcomes.json" >"$work/applications.json"
  jq '[.[] | "/applications/\(.id)/owners?$top=999"]' "$work/applications.json" >"$work/app-urls.json"
  batch "$work/app-urls.json" >"$work/app-outcomes.json"
  failed_into "$work/app-outcomes.json" directory not-found-is-fine
  jq -s '.[0] + ([(.[1] as $s | .[2] | to_entries[] | select(.key % 2 == 0 and .value.ok) | {objectId: $s[.key / 2].id, items: .value.items}),
                  (.[3] as $a | .[4] | to_entries[] | select(.value.ok) | {objectId: $a[.key].id, items: .value.items})]
                 | [.[] | {objectId, ownerIds: [.items[].id | select(type == "string") | ascii_downcase]} | select(.ownerIds | length > 0)])' \
    "$work/entra-owners.json" "$work/sps.json" "$work/sp-outcomes.json" "$work/applications.json" "$work/app-outcomes.json" \
    >"$work/o.new" && mv "$work/o.new" "$work/entra-owners.json"
  # The applications' federated identity credentials (Graph v1.0, as the scanner reads them), kept as Graph
  # returned them: id lower-case, no subject where Graph gave none (a flexible credential: v1.0 returns it
  # with subject null and without its claimsMatchingExpression), a description only when it is a string.
  # An application whose list failed has none written, so the import leaves its credentials unknown.
  jq '[.[] | "/applications/\(.id)/federatedIdentityCredentials"]' "$work/applications.json" >"$work/credential-urls.json"
  batch "$work/credential-urls.json" >"$work/credential-outcomes.json"
  failed_into "$work/credential-outcomes.json" directory:applicationCredentials not-found-is-fine
  jq -s '.[0] + [.[2] as $outcomes | .[1] | to_entries[] | .value + ($outcomes[.key] | if .ok | not then {} else
           {federatedIdentityCredentials: [.items[]
             | {id: (if (.id | type) == "string" then .id | ascii_downcase else "" end), name, issuer}
               + (if (.subject | type) == "string" and .subject != "" then {subject} else {} end)
               + {audiences: (if (.audiences | type) == "array" then .audiences else [] end)}
               + (if (.description | type) == "string" then {description} else {} end)]} end)]' \
    "$work/entra-applications.json" "$work/applications.json" "$work/credential-outcomes.json" \
    >"$work/a.new" && mv "$work/a.new" "$work/entra-applications.json"
}
govern_service_principals "$work/principals.json"

# The principals governance names (holders, eligible members, owners, permission holders) not known yet, into a file.
unresolved() {
  jq -s '[(.[0][], .[1][], .[2][], .[4][]) | .principalId] + [.[3][].ownerIds[]] | unique' \
    "$work/entra-roles.json" "$work/entra-eligible.json" "$work/entra-group-pim.json" "$work/entra-owners.json" \
    "$work/entra-app-roles.json" |
    jq --slurpfile p "$work/principals.json" '[.[] | select(. as $id | $p[0] | map(.id) | index($id) | not)]' >"$1"
}
# They are resolved in a second pass. The service principals among them (directory role holders, owners)
# are governed in turn — their owners, their application's owners and federated credentials, as the
# scanner does: a pod whose token such a credential accepts acts as the service principal — and whoever
# those name is resolved last.
unresolved "$work/missing.json"
if [ "$(jq length "$work/missing.json")" -gt 0 ]; then
  resolve "$work/missing.json"
  expand_groups
  jq --slurpfile g "$work/governed.json" '[.[] | select(.id as $id | $g[0] | index($id) | not)]' \
    "$work/principals.json" >"$work/fresh.json"
  govern_service_principals "$work/fresh.json"
  unresolved "$work/later.json"
  if [ "$(jq length "$work/later.json")" -gt 0 ]; then
    resolve "$work/later.json"
    expand_groups
  fi
fi

# Administrative units, as the scanner reads them: the units a directory role is scoped to and the
# restricted management ones, each with its users and groups among the principals (a member who is no
# principal of the file reaches no cluster). A unit whose members could not be read is left out and the
# source marked partial, so its scoped roles stay conditional paths, never "manages no one"; without the
# list (its read failed) the file has none.
jq -s '[(.[0][], .[1][]) | .directoryScopeId | ascii_downcase | capture("^/administrativeunits/(?<id>.+)$")? | .id] | unique' \
  "$work/entra-roles.json" "$work/entra-eligible.json" >"$work/scoped-units.json"
jq -n '["/directory/administrativeUnits?$select=id,displayName,isMemberManagementRestricted,membershipType,membershipRule,visibility&$top=999"]' \
  >"$work/unit-urls.json"
batch "$work/unit-urls.json" >"$work/unit-outcomes.json"
echo null >"$work/entra-units.json"
if jq -e '.[0].ok' "$work/unit-outcomes.json" >/dev/null; then
  jq --slurpfile scoped "$work/scoped-units.json" '[.[0].items[]
       | select(.isMemberManagementRestricted == true or ((.id | ascii_downcase) as $id | $scoped[0] | index($id)))]' \
    "$work/unit-outcomes.json" >"$work/units.json"
  jq '[.[] | "/directory/administrativeUnits/\(.id | ascii_downcase)/members?$top=999"]' "$work/units.json" >"$work/unit-member-urls.json"
  batch "$work/unit-member-urls.json" >"$work/unit-member-outcomes.json"
  failed_into "$work/unit-member-outcomes.json" directory:administrativeUnits not-found-is-fine
  jq -s '(.[2] | map(select(.type == "User" or .type == "Group") | {key: .id, value: true}) | from_entries) as $known
      | .[0] as $units
      | [.[1] | to_entries[] | select(.value.ok) | $units[.key] as $u
         | {id: ($u.id | ascii_downcase), displayName: (if ($u.displayName // "") == "" then $u.id else $u.displayName end),
            members: ([.value.items[] | .id | select(type == "string") | ascii_downcase | select($known[.])] | unique),
            isMemberManagementRestricted: ($u.isMemberManagementRestricted == true)}
           + (if $u.membershipType == "Dynamic" or $u.membershipType == "Assigned" then {membershipType: $u.membershipType} else {} end)
           + (if ($u.membershipRule | type) == "string" and $u.membershipRule != "" then {membershipRule: $u.membershipRule} else {} end)
           + (if $u.visibility == "HiddenMembership" or $u.visibility == "Public" then {visibility: $u.visibility} else {} end)]
      | sort_by(.id)' "$work/units.json" "$work/unit-member-outcomes.json" "$work/principals.json" >"$work/entra-units.json"
else
  failed_into "$work/unit-outcomes.json" directory:administrativeUnits
fi

jq -n --arg license "$license" --slurpfile roles "$work/entra-roles.json" --slurpfile eligible "$work/entra-eligible.json" \
  --slurpfile groups "$work/entra-group-pim.json" --slurpfile apps "$work/entra-applications.json" \
  --slurpfile owners "$work/entra-owners.json" --slurpfile units "$work/entra-units.json" \
  --slurpfile appRoles "$work/entra-app-roles.json" \
  '{license: $license, roleAssignments: $roles[0], roleEligibilities: $eligible[0], groupEligibilities: $groups[0],
    applications: $apps[0], owners: $owners[0], appRoleAssignments: $appRoles[0]}
   + (if $units[0] == null then {} else {administrativeUnits: $units[0]} end)' \
  >"$work/entra.json"

# 6. The tenant file.
jq -n --arg tenant "$tenant" --arg name "$tenant_name" --argjson licensed "$pim_licensed" \
  --argjson groupsRead "$groups_read" --slurpfile entra "$work/entra.json" \
  --argjson settingsRead "$settings_read" --slurpfile policies "$work/policies.json" \
  --slurpfile policyAssignments "$work/policyAssignments.json" \
  --slurpfile subscriptions "$work/visible.json" --slurpfile groups "$work/management-groups.json" \
  --slurpfile principals "$work/principals.json" --slurpfile definitions "$work/roleDefinitions.json" \
  --slurpfile assignments "$work/roleAssignments.json" --slurpfile eligibilities "$work/eligibilities.json" \
  --slurpfile schedules "$work/schedules.json" --slurpfile denies "$work/denyAssignments.json" \
  --slurpfile clusters "$work/clusters.json" --slurpfile unread "$unread" \
  --slurpfile resources "$work/resources-by-subscription.json" \
  '{
    version: 1,
    tenantId: $tenant
  } + (if $name == "" then {} else {displayName: $name} end) + {
    principals: $principals[0],
    managementGroups: $groups[0],
    roleDefinitions: $definitions[0],
    # Assignments at management groups that could not be read would name unknown scopes.
    roleAssignments: [$assignments[0][] | select($groupsRead or
                       ((.properties.scope // "") | test("^/providers/microsoft.management/managementgroups/"; "i") | not))],
    roleEligibilityScheduleInstances: $eligibilities[0],
    roleAssignmentScheduleInstances: $schedules[0],
    denyAssignments: $denies[0]
  } + (if $licensed then {} else {licenses: {entraIdP2: false}} end)
    + (if $settingsRead then {roleManagementPolicies: $policies[0], roleManagementPolicyAssignments: $policyAssignments[0]}
       else {} end) + {
    subscriptions: [$subscriptions[0][] | {subscriptionId: (.subscriptionId | ascii_downcase), displayName, state,
                    resources: ($resources[0][.subscriptionId | ascii_downcase] // [])}],
    clusters: $clusters[0],
    entra: $entra[0],
    coverage: {collectedBy: "deploy/collect.sh 1", collectedAt: (now | todate), unread: $unread[0]}
  }' >"$work/tenant.json"
# The file names people and groups: readable by you only.
(umask 077 && cp "$work/tenant.json" "$out" && chmod 600 "$out") 2>"$work/err" || die "cannot write $out: $(why)"
echo "Wrote $out: $(jq '.subscriptions | length' "$out") subscriptions, $(jq '.clusters | length' "$out") clusters, $(jq '.principals | length' "$out") principals" >&2
jq -r '.coverage.unread | to_entries[] | "  ! \(.key): \(.value.status): \(.value.reason)"' "$out" >&2
[ "$(jq '.coverage.unread | length' "$out")" -eq 0 ] || exit 2
