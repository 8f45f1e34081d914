#!/usr/bin/env bash
# Build time of a project with 200 Submit/Map call sites, with and without the ParallelSharp source generator.
# Both projects compile the same sources against the same (prebuilt) JobServer; only the generator differs.
#   bash bench/generator-build-time.sh [runs]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
# SHARED=1 measures with the compiler server (VBCSCompiler) as a developer's builds use it: warm, JIT paid once.
# Without it every build starts a cold compiler, which charges the generator for JIT-compiling Roslyn's
# semantic APIs it is the first to call.
shared=$([ "${SHARED:-0}" = 1 ] && echo true || echo false)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

dotnet build "$repo/src/JobServer" -c Release -v q -nologo >/dev/null

mkdir -p "$work/src" "$work/with" "$work/without"
cat > "$work/src/Helpers.cs" <<'CS'
namespace Calls;

public sealed record Point(int X, int Y)
{
    public int Manhattan => Math.Abs(X) + Math.Abs(Y);
}

public static class Helpers
{
    private static readonly int[] s_weights = [3, 1, 4, 1, 5, 9, 2, 6];

    public static int Mix(int x, int k) => (x * s_weights[k % s_weights.Length]) ^ k;

    public static int Walk(Point p, int steps) => Enumerable.Range(0, steps).Select(i => new Point(p.X + i, p.Y - i)).Sum(q => q.Manhattan);
}
CS
# 20 files x (10 functions + 10 call sites): method groups, static lambdas and Map.
for f in $(seq 0 19); do
  {
    echo "using ParallelSharp;"
    echo "namespace Calls;"
    echo "public static class Jobs$f"
    echo "{"
    for k in $(seq 0 9); do
      echo "    public static int F$k(int x) => Helpers.Mix(x, $k) + Helpers.Walk(new Point(x, $k), 3);"
    done
    echo "    public static object[] Run(JobServer server) =>"
    echo "    ["
    for k in $(seq 0 9); do
      case $((k % 3)) in
        0) echo "        server.Submit(Jobs$f.F$k, $k)," ;;
        1) echo "        server.Submit(static (int a, int b) => Helpers.Mix(a, b) + $k, $k, $f)," ;;
        2) echo "        server.Map(Jobs$f.F$k, new[] { 1, 2, $k })," ;;
      esac
    done
    echo "    ];"
    echo "}"
  } > "$work/src/Jobs$f.cs"
done

project() {
  cat <<XML
<Project Sdk="Microsoft.NET.Sdk">
  $1
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="../src/*.cs" />
    <ProjectReference Include="$repo/src/JobServer/ParallelSharp.JobServer.csproj" />
  </ItemGroup>
</Project>
XML
}
# "With" gets what the JobServer package gives its users: its build props and the generator as an analyzer (the built
# DLL, as analyzers/dotnet/cs). Referencing the generator as a project instead (FromSource.props, for this repository's
# own projects) would also charge the build for evaluating and walking that project, which no package user pays.
generator="$repo/src/Generator/bin/Release/netstandard2.0/ParallelSharp.Generator.dll"
project "<Import Project=\"$repo/src/JobServer/build/ParallelSharp.JobServer.props\" />
  <ItemGroup><Analyzer Include=\"$generator\" /></ItemGroup>" > "$work/with/With.csproj"
project "" > "$work/without/Without.csproj"

build() {
  dotnet build "$1" -c Release --no-incremental -p:BuildProjectReferences=false -p:UseSharedCompilation=$shared -nodeReuse:false -v q -nologo "${@:2}"
}
build "$work/with/With.csproj" >/dev/null     # restore and warm the disk cache
build "$work/without/Without.csproj" >/dev/null
[ -f "$work/with/obj/Release/net10.0/generated/ParallelSharp.Generator/ParallelSharp.Generator.JobCaptureGenerator/ParallelSharp.Interceptors.g.cs" ] \
  || build "$work/with/With.csproj" -p:EmitCompilerGeneratedFiles=true >/dev/null
generated=$(echo "$work"/with/obj/Release/net10.0/generated/*/*/ParallelSharp.Interceptors.g.cs)
# Static method groups are found by their method at run time (no interceptor); lambdas are intercepted.
echo "call sites intercepted: $(grep -c 'InterceptsLocation(1,' "$generated"); captured functions found by method: $(grep -o 's_byMethod = {[^}]*}' "$generated" | tr -cd ',' | wc -c | awk '{print $1 + 1}')"

# Wall time of the whole build, and its CPU time (dotnet and its child processes, csc included): on a shared machine
# the wall time is noisy and CPU time much less so. -m:1 keeps the build in the dotnet process, so csc is its child and
# its CPU time is counted (a worker node is detached: neither it nor its csc would be). The generator's own time comes
# from the compiler (ReportAnalyzer). The Csc task's time (-clp:PerformanceSummary at normal verbosity) is the compile,
# generator included; with a warm server it is the part of the build the generator can change, and far less noisy
# than the whole build. Each "with" build is paired with the "without" build just before it, and the median of the
# pairs' differences is reported too: it cancels the slow drifts of a shared machine that the medians keep.
with=(); without=(); cscwith=(); cscwithout=(); taskwith=(); taskwithout=(); pairs=()
for i in $(seq 1 "$runs"); do
  for variant in without with; do
    name=$([ $variant = with ] && echo With || echo Without)
    start=$(date +%s.%N)
    out=$( { /usr/bin/time -f "CPU %U %S" dotnet build "$work/$variant/$name.csproj" -c Release --no-incremental -p:BuildProjectReferences=false \
             -p:UseSharedCompilation=$shared -nodeReuse:false -m:1 -v:n -nologo -clp:PerformanceSummary; } 2>&1 )
    elapsed=$(echo "$(date +%s.%N) - $start" | bc)
    cpu=$(echo "$out" | awk '/^CPU / {print $2 + $3}' | tail -1)
    task=$(echo "$out" | awk '$2 == "ms" && $3 == "Csc" {print $1 / 1000}' | tail -1)
    if [ $variant = with ]; then
      with+=("$elapsed"); cscwith+=("$cpu"); taskwith+=("$task"); pairs+=("$(echo "$elapsed - $before" | bc)")
    else
      without+=("$elapsed"); cscwithout+=("$cpu"); taskwithout+=("$task"); before=$elapsed
    fi
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
report() {
  local label=$1; shift
  local count=$(( $# / 2 )); local a=("${@:1:$count}"); local b=("${@:$((count + 1))}")
  local ma=$(median "${a[@]}") mb=$(median "${b[@]}")
  echo "$label without generator: median $ma s (${a[*]})"
  echo "$label with generator:    median $mb s (${b[*]})"
  echo "$label difference: $(echo "scale=1; ($mb - $ma) * 100 / $ma" | bc) %"
}
report "build (wall)" "${without[@]}" "${with[@]}"
report "build (CPU user+sys)" "${cscwithout[@]}" "${cscwith[@]}"
report "Csc task (compile)" "${taskwithout[@]}" "${taskwith[@]}"
mw=$(median "${without[@]}"); mp=$(median "${pairs[@]}")
echo "build (wall) paired difference: median $mp s = $(echo "scale=1; $mp * 100 / $mw" | bc) % of the median build without (${pairs[*]})"
echo "compiler server: $shared"
echo "generator's own time, from the compiler (ReportAnalyzer):"
build "$work/with/With.csproj" -p:ReportAnalyzer=true -v:detailed | grep -E "Total generator execution time|JobCaptureGenerator \(" | sed 's/^ *//' | head -3
