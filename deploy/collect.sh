#!/usr/bin/env bash
# AKS Identity Atlas — offline collector, as one script you can read before you run it.
#
#   deploy/collect.sh tenant.json [subscription-id ...]
#
# It runs only `az` (your own `az login`), `kubectl` and `jq`, reads what AKS Identity Atlas needs, and
# writes a tenant file (docs/tenant-file.md) that `aks-atlas import tenant.json` stores as a scan. Nothing
# is sent anywhere; the file stays with you. Every read is a GET, except listClusterUserCredential (the
# user kubeconfig `az aks get-credentials` also fetches; never the admin one) and Graph's getByIds, a read
# sent as POST. What it cannot read is written to the file's coverage.unread, so the import marks it.
#
# It reads the same as `aks-atlas collect` except the directory's governance (directory roles, PIM for
# Groups, owners): use `aks-atlas collect` for those. Needs bash 4, az 2.40+, kubectl, jq.
set -euo pipefail

out="${1:?usage: collect.sh tenant.json [subscription-id ...]}"
shift
only_subscriptions=("$@")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unread="$work/unread.json"
echo '{}' >"$unread"

say() { echo "  $*" >&2; }
for tool in az kubectl jq; do
  command -v "$tool" >/dev/null || { echo "collect.sh: $tool is not installed" >&2; exit 1; }
done

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
tenant="$(az account show --query tenantId -o tsv)"
graph_resource="$(az cloud show --query endpoints.microsoftGraphResourceId -o tsv)"
graph="${graph_resource%/}/v1.0"

# 2. Subscriptions and management groups.
say "az: subscriptions and management groups"
list "/subscriptions?api-version=2022-12-01" >"$work/subscriptions.json"
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
if groups="$(list "/providers/Microsoft.Management/managementGroups?api-version=2021-04-01" 2>"$work/err")"; then
  for name in $(jq -r '.[].name' <<<"$groups"); do
    if group="$(az rest --only-show-errors --url "/providers/Microsoft.Management/managementGroups/$name?api-version=2021-04-01&\$expand=children" -o json 2>"$work/err")"; then
      jq --argjson g "$group" '. + [{name: $g.name, displayName: ($g.properties.displayName // $g.name),
          parent: ($g.properties.details.parent.name // null),
          subscriptions: [($g.properties.children // [])[] | select(.type == "/subscriptions") | .name | ascii_downcase]}]' \
        "$work/management-groups.json" >"$work/mg.new" && mv "$work/mg.new" "$work/management-groups.json"
    else mark directory partial "management group $name: $(why)"; fi
  done
else mark directory partial "management groups: $(why)"; fi

# 3. Per subscription: clusters, identities with their federated credentials, RBAC, PIM, deny assignments.
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
      token_args=()
      if [ -n "$aad" ]; then
        server_app="$(jq -r 'if .managed then "6dae42f8-4368-4678-94ff-3960e28e3630" else .serverAppID end' <<<"$aad")"
        token="$(az account get-access-token --resource "$server_app" --query accessToken -o tsv)"
        # kubectl refuses the legacy azure auth-provider even with --token: make the user a plain token user.
        kubectl --kubeconfig "$work/kubeconfig" config view --raw -o json |
          jq --arg t "$token" '.users |= map(.user = {token: $t})' >"$work/kubeconfig.json"
        mv "$work/kubeconfig.json" "$work/kubeconfig"
      fi
      k() { kubectl --kubeconfig "$work/kubeconfig" --request-timeout 60s "$@"; }
      if objects="$(k get namespaces,serviceaccounts,pods,roles,rolebindings,clusterroles,clusterrolebindings -A -o json 2>"$work/err")"; then
        objects="$(jq '[.items[] | del(.metadata.managedFields)]' <<<"$objects")"
        for kind in azureidentities azureidentitybindings azurepodidentityexceptions secretproviderclasses; do
          if more="$(k get "$kind" -A -o json 2>"$work/err")"; then
            objects="$(jq -s '.[0] + [.[1].items[] | del(.metadata.managedFields)]' <(echo "$objects") <(echo "$more"))"
          elif ! grep -q "doesn't have a resource type" "$work/err"; then mark "$key" partial "kubectl get $kind: $(why)"; fi
        done
        data="$(jq -c '{includeDefaults: false, objects: .}' <<<"$objects")"
      else mark "$key" not-read "kubectl get: $(why)"; fi
    else mark "$key" not-read "listClusterUserCredential: $(why)"; fi
    echo "$data" >"$work/cluster-data.json"
    jq --arg id "$cluster" --slurpfile d "$work/cluster-data.json" '.[$id] = $d[0]' "$work/clusters.json" >"$work/c.new" &&
      mv "$work/c.new" "$work/clusters.json"
  done
done

# 5. The directory: the principals the inventory names (assignments, identities, admin groups, binding
#    subjects that are object ids), resolved with getByIds, and the direct members of every group among them.
say "az: the directory (Microsoft Graph)"
jq -s '[ (.[0][] | .properties.principalId), (.[1][] | .properties.principalId),
         (.[2][] | (.identity.principalId, .properties.principalId,
                   (.properties.identityProfile // {} | .[].objectId),
                   (.properties.addonProfiles // {} | .[].identity.objectId?),
                   (.properties.aadProfile.adminGroupObjectIDs // [])[])),
         (.[3] | .[].objects[]? | select(.kind | test("RoleBinding$")) | .subjects[]? | select(.kind != "ServiceAccount") | .name) ]
       | map(select(type == "string" and test("^[0-9a-fA-F-]{36}$")) | ascii_downcase) | unique' \
  "$work/roleAssignments.json" "$work/eligibilities.json" <(jq -s 'add' "$work"/resources-*.json) "$work/clusters.json" >"$work/ids.json"
echo '[]' >"$work/principals.json"
resolve() { # JSON array of ids
  jq -c '_nwise(1000)' <<<"$1" | while read -r batch; do
    az rest --only-show-errors --method post --url "$graph/directoryObjects/getByIds" --resource "$graph_resource" \
      --headers Content-Type=application/json \
      --body "{\"ids\": $batch, \"types\": [\"user\", \"group\", \"servicePrincipal\"]}" -o json 2>"$work/err" |
      jq '.value' || mark directory partial "getByIds: $(why)"
  done | jq -s 'add // [] | map(. + {type: (."@odata.type" | sub("#microsoft.graph.";"") |
      {user: "User", group: "Group", serviceprincipal: "ServicePrincipal"}[ascii_downcase])}) | map(select(.type != null))'
}
resolve "$(cat "$work/ids.json")" | append "$work/principals.json"
expanded='[]'
while :; do
  todo="$(jq -c --argjson done "$expanded" '[.[] | select(.type == "Group" and (.id as $id | $done | index($id) | not)) | .id]' "$work/principals.json")"
  [ "$todo" = "[]" ] && break
  for group in $(jq -r '.[]' <<<"$todo"); do
    expanded="$(jq -c --arg g "$group" '. + [$g]' <<<"$expanded")"
    if members="$(list "$graph/groups/$group/members?\$top=999" --resource "$graph_resource" 2>"$work/err")"; then
      # Members become principals too (nested groups are expanded in the next round).
      jq -c --arg g "$group" --slurpfile all <(echo "$members") '
          $all[0] as $m
          | map(if .id == $g then . + {members: [$m[].id]} else . end)
          + [$m[] | . + {type: (."@odata.type" | sub("#microsoft.graph.";"") |
              {user: "User", group: "Group", serviceprincipal: "ServicePrincipal"}[ascii_downcase])} | select(.type != null)]
          | unique_by(.id)' "$work/principals.json" >"$work/p.new" && mv "$work/p.new" "$work/principals.json"
    else mark directory partial "members of group $group: $(why)"; fi
  done
done

# 6. The tenant file.
for f in "$work"/resources-*.json; do
  [ -f "$f" ] && jq -c --arg s "$(basename "$f" .json | sed 's/^resources-//')" '{($s): .}' "$f"
done | jq -s 'add // {}' >"$work/resources-by-subscription.json"
jq -n --arg tenant "$tenant" --argjson licensed "$pim_licensed" \
  --slurpfile subscriptions "$work/visible.json" --slurpfile groups "$work/management-groups.json" \
  --slurpfile principals "$work/principals.json" --slurpfile definitions "$work/roleDefinitions.json" \
  --slurpfile assignments "$work/roleAssignments.json" --slurpfile eligibilities "$work/eligibilities.json" \
  --slurpfile schedules "$work/schedules.json" --slurpfile denies "$work/denyAssignments.json" \
  --slurpfile clusters "$work/clusters.json" --slurpfile unread "$unread" \
  --slurpfile resources "$work/resources-by-subscription.json" \
  '{
    version: 1,
    tenantId: $tenant,
    principals: $principals[0],
    managementGroups: $groups[0],
    roleDefinitions: $definitions[0],
    roleAssignments: $assignments[0],
    roleEligibilityScheduleInstances: $eligibilities[0],
    roleAssignmentScheduleInstances: $schedules[0],
    denyAssignments: $denies[0],
    licenses: {entraIdP2: $licensed},
    subscriptions: [$subscriptions[0][] | {subscriptionId: (.subscriptionId | ascii_downcase), displayName, state,
                    resources: ($resources[0][.subscriptionId | ascii_downcase] // [])}],
    clusters: $clusters[0],
    coverage: {collectedBy: "deploy/collect.sh 1", collectedAt: (now | todate), unread: $unread[0]}
  }' >"$out"
chmod 600 "$out"
echo "Wrote $out: $(jq '.subscriptions | length' "$out") subscriptions, $(jq '.clusters | length' "$out") clusters, $(jq '.principals | length' "$out") principals" >&2
jq -r '.coverage.unread | to_entries[] | "  ! \(.key): \(.value.status): \(.value.reason)"' "$out" >&2
[ "$(jq '.coverage.unread | length' "$out")" -eq 0 ] || exit 2
