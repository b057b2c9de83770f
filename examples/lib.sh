# Sourced by the example projects' run scripts: what they share.
#   vnet_repo, vnet_version: the checkout and the version of vnet-nl it installs (mvn install);
#   vnet_java: the java of a JDK >= 22, found as the build finds it (bin/find-jdk);
#   expect_lines WHO STYLE OUTPUT REGEX...: OUTPUT must be exactly one line per REGEX, each matching its whole line.
vnet_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The version this checkout installs: the first <version> after the project's own artifactId.
vnet_version=$(sed -n '/<artifactId>vnet-nl<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;q}' "$vnet_repo/pom.xml")
[ -n "$vnet_version" ] || { echo "examples: no version found in $vnet_repo/pom.xml" >&2; exit 1; }
vnet_java=$("$vnet_repo/bin/find-jdk")/bin/java

expect_lines() {
	local who=$1 style=$2 output=$3
	shift 3
	local expected=("$@") lines i
	mapfile -t lines <<<"$output"
	if [ ${#lines[@]} -ne ${#expected[@]} ]; then
		printf '%s: %s: expected %d lines, got:\n%s\n' "$who" "$style" ${#expected[@]} "$output" >&2
		exit 1
	fi
	for i in "${!expected[@]}"; do
		if ! [[ ${lines[i]} =~ ^${expected[i]}$ ]]; then
			printf '%s: %s: line %d is "%s", expected /%s/\n' "$who" "$style" $((i + 1)) "${lines[i]}" "${expected[i]}" >&2
			exit 1
		fi
	done
	printf '%s\n' "$output" | sed "s/^/[$style] /"
}
