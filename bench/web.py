"""Requests per second through the production stack (`make serve`'s gunicorn), driven by wrk.

    .venv/bin/python bench/web.py [--articles 100000] [--rounds 3] [--duration 10]

Environment: BENCH_DATABASE_URL (PostgreSQL, wiped and filled with --articles stories by
bench/corpus.py unless it already holds that many), BENCH_CACHE_URL (Redis), BENCH_PORT.

Each page of PAGES is measured uncached (PAGE_CACHE_SECONDS=0: every request builds the page)
and cached, in --rounds rounds; the table shows the medians and each page's requests per second
as a ratio to the trivial "ok" view measured just before and just after it, which cancels out
how busy the machine is. Then a load test: 64 connections for 60 s over all the pages, which
must see no errors and no non-2xx responses. --profile samples one worker with py-spy while it builds
article pages and prints where the time goes.
"""

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# The pages measured: add a line to measure another. "{article}" and "{section}" are filled in
# with a recent story and its section from the benchmark database.
PAGES = {
    "ok": "/healthz/",
    "article": "{article}",
    "home": "/",
    "section": "{section}",
    "search": "/search/?q=" + quote("دير الزور"),
}
TARGETS = "cached ≥ 0.8 × ok; uncached article ≥ 0.06 × ok; worker peak RSS < 100 MiB; no non-2xx"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
        ),
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/1"),
        "DEBUG": "0",
        # Plain HTTP on loopback: no redirect to https, cookies without the secure flag.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", secrets.token_urlsafe(50)),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "PORT": os.environ.get("BENCH_PORT", "8010"),
        "HOST": "127.0.0.1",
        # No recycling: the peak memory measured is that of workers that served the whole run.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    base = f"http://127.0.0.1:{env['PORT']}"
    prepare(env, args.articles)
    urls = {name: base + path for name, path in page_paths(env).items()}

    results: dict[tuple[str, str], list[dict]] = {}
    rss: dict[str, int] = {}
    load = None
    print(f"machine: {os.cpu_count()} cores, load average {load_average()} before the run")
    for mode, seconds in (("uncached", "0"), ("cached", "60")):
        with server({**env, "PAGE_CACHE_SECONDS": seconds}) as master:
            pages = {name: url for name, url in urls.items() if reachable(name, url)}
            for round_number in range(args.rounds):
                # The ok view is measured before and after every page, and the page compared with
                # the mean of the two: on a shared machine the load moves within a minute.
                ok_before = measure(mode, round_number, "ok", pages["ok"], args, results)
                for name, url in pages.items():
                    if name == "ok":
                        continue
                    result = measure(mode, round_number, name, url, args, results)
                    ok_after = measure(mode, round_number, "ok", pages["ok"], args, results)
                    result["ok_rps"] = (ok_before["rps"] + ok_after["rps"]) / 2
                    ok_before = ok_after
            if args.profile and mode == "uncached":
                profile(master, pages["article"], args.connections)
            if mode == "cached":
                load = load_test(pages, args.load_seconds)
            rss[mode] = max(peak_rss(pid) for pid in workers(master))
    print(f"load average after the run: {load_average()}")
    report(results, rss, load, args)


def measure(mode: str, round_number: int, name: str, url: str, args, results: dict) -> dict:
    fetch(url)  # warm: the cached run measures hits only
    result = wrk(url, args.connections, args.duration)
    result["ok_rps"] = result["rps"] if name == "ok" else None
    results.setdefault((mode, name), []).append(result)
    print(f"  {mode:8} round {round_number + 1} {name:8} {result['rps']:8.0f} req/s", flush=True)
    return result


def prepare(env: dict, articles: int) -> None:
    """Fill the benchmark database unless it already holds the archive, then collect static
    files and migrate, as `make serve` does."""
    count = django_eval(
        env, "from articles.models import Article; print(Article.objects.count())", check=False
    )
    if not count.strip().isdigit() or int(count) < articles:
        print(f"loading {articles} articles into {env['DATABASE_URL']} (bench/corpus.py)…", flush=True)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "corpus.py"), "--articles", str(articles)],
            env={**env, "DJANGO_SETTINGS_MODULE": "tests.settings"},
            check=True,
        )
    for command in (
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["migrate", "--noinput", "--verbosity", "0"],
    ):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], env=env, check=True)


def page_paths(env: dict) -> dict[str, str]:
    code = (
        "from articles.models import Article; "
        "a = Article.objects.published().select_related('section').first(); "
        "print(a.get_absolute_url()); print(a.section.get_absolute_url())"
    )
    article, section = django_eval(env, code).split()
    return {name: path.format(article=article, section=section) for name, path in PAGES.items()}


def django_eval(env: dict, code: str, check: bool = True) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--verbosity", "0", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )
    return done.stdout


class server:
    """gunicorn with gunicorn.conf.py, as `make serve` runs it, for the length of a `with`."""

    def __init__(self, env: dict):
        self.env = env

    def __enter__(self) -> int:
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")], env=self.env, cwd=ROOT
        )
        url = f"http://127.0.0.1:{self.env['PORT']}/healthz/"
        for _ in range(100):
            time.sleep(0.3)
            try:
                if fetch(url) == 200:
                    return self.process.pid
            except OSError:
                continue
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def fetch(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def reachable(name: str, url: str) -> bool:
    status = fetch(url)
    if status != 200:
        print(f"  skipped {name}: {url} answers {status}")
    return status == 200


WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNITS = {"us": 0.001, "ms": 1, "s": 1000}


def wrk(url: str, connections: int, duration: int, script: str | None = None) -> dict:
    # A 10 s timeout: wrk's 2 s would count the slowest uncached pages as socket errors.
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    command += ["-H", "Accept-Encoding: gzip"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latency = {int(p): float(v) * UNITS[u] for p, v, u in WRK_LATENCY.findall(output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "p50": latency.get(50, 0.0),
        "p99": latency.get(99, 0.0),
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "errors": sum(map(int, errors.groups())) if errors else 0,
    }


def load_test(pages: dict[str, str], seconds: int) -> dict:
    """64 connections for `seconds`, each request a page of PAGES in turn."""
    paths = [url.split("/", 3)[3] for url in pages.values()]
    lua = (
        "paths = {"
        + ", ".join(f'"/{path}"' for path in paths)
        + "}\n"
        + (
            "i = 0\nrequest = function()\n  i = i % #paths + 1\n"
            '  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip"})\nend\n'
        )
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    print(f"  load test: 64 connections, {seconds} s, {len(paths)} pages in turn", flush=True)
    base = "/".join(next(iter(pages.values())).split("/", 3)[:3])
    try:
        return wrk(base + "/", 64, seconds, script.name)
    finally:
        os.unlink(script.name)


def workers(master: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in children.split()]


def peak_rss(pid: int) -> int:
    """The most memory the process has held (VmHWM), in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1])


def profile(master: int, url: str, connections: int) -> None:
    """Sample one worker with py-spy while wrk keeps every worker building article pages."""
    pid = workers(master)[0]
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as out:
        path = out.name
    load = subprocess.Popen(["wrk", "-t2", f"-c{connections}", "-d25s", url], stdout=subprocess.DEVNULL)
    time.sleep(2)
    subprocess.run(
        [
            str(BIN / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--duration",
            "15",
            "--format",
            "raw",
            "--output",
            path,
        ],
        check=True,
        capture_output=True,
    )
    load.wait()
    print_profile(Path(path).read_text())
    os.unlink(path)


def print_profile(collapsed: str) -> None:
    """Share of samples in which each of our own functions (and Django's template rendering and
    database calls) is on the stack: time spent in it or in what it calls."""
    total, inclusive = 0, Counter()
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        frames = {frame_name(frame) for frame in stack.split(";")}
        for name in frames - {None}:
            inclusive[name] += int(count)
    print(f"\nprofile of one worker building the article page ({total} samples); share of time on the stack:")
    for name, count in inclusive.most_common(25):
        print(f"  {100 * count / total:5.1f}%  {name}")


INTERESTING = ("articles/", "comments/", "sections/", "serving/", "newsroom/", "templatetags/")
LIBRARY = {
    "django/db/backends/utils.py": "SQL queries (all)",
    "django/template/base.py": "template rendering (all)",
    "django/middleware/gzip.py": "gzip compression",
    "django/db/models/query.py": "ORM querysets (all)",
    "django/core/handlers/wsgi.py": "Django request handling (all)",
    "psycopg/": "psycopg (driver)",
}


def frame_name(frame: str) -> str | None:
    # py-spy's raw frames look like "function (path/to/file.py:123)".
    match = re.match(r"(.+?) \((.+?):\d+\)", frame)
    if not match:
        return None
    function, path = match.groups()
    for part, label in LIBRARY.items():
        if part in path:
            return label
    if "site-packages" not in path and any(part in path for part in INTERESTING):
        return f"{function} ({path.split('/serve/')[-1]})"
    return None


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(results: dict, rss: dict, load: dict | None, args) -> None:
    print(f"\n{args.articles} articles; {args.rounds} rounds of {args.duration} s", end="")
    print(f" with {args.connections} connections.")
    print(f"medians; ratio = requests/s ÷ the ok view's just before and after.  Targets: {TARGETS}\n")
    columns = ("req/s", "ratio", "p50 ms", "p99 ms", "non-2xx", "errors")
    print(f"{'page':10} {'mode':9} " + " ".join(f"{column:>8}" for column in columns))
    for mode in ("uncached", "cached"):
        for (result_mode, name), runs in results.items():
            if result_mode != mode:
                continue
            ratios = [run["rps"] / run["ok_rps"] for run in runs]
            print(
                f"{name:10} {mode:9} {statistics.median(r['rps'] for r in runs):8.0f}"
                f" {statistics.median(ratios):8.3f} {statistics.median(r['p50'] for r in runs):8.2f}"
                f" {statistics.median(r['p99'] for r in runs):8.2f} {sum(r['non_2xx'] for r in runs):8d}"
                f" {sum(r['errors'] for r in runs):8d}"
            )
    print("\npeak RSS of a worker: " + ", ".join(f"{mode} {kib / 1024:.0f} MiB" for mode, kib in rss.items()))
    if load:
        print(
            f"load test (64 connections, {args.load_seconds} s, cached): {load['requests']} requests,"
            f" {load['rps']:.0f} req/s, p99 {load['p99']:.1f} ms,"
            f" non-2xx {load['non_2xx']}, socket errors {load['errors']}"
        )


if __name__ == "__main__":
    main()
