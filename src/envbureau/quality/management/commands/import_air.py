"""envbureau import_air FILE… [--format prsa|standard|auto] [--hour-ending] [--per-file] [--user U]

Reads, validates and writes the files in chunks (bounded memory), all in one transaction (the files of one command
are one declared batch): if any row is invalid nothing is written (row/column messages); and rebuilds the derived
daily results of the station-days that changed (each file's after the file) and of their jurisdictions (at the end).
With --per-file every file is its own batch and transaction (years of monthly files): the files before a bad file
stay written, the bad file writes nothing, the files after it are not read; the command names them.
Re-importing the same files changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm


class Command(BaseCommand):
    help = "导入空气小时数据(全部成功或全部不写入) / import hourly air data (all or nothing)"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--format", default="auto", choices=["auto", "prsa", "standard"],
                            help="prsa = UCI Beijing PRSA files (CO µg/m³, hour starting); standard = platform template")
        parser.add_argument("--hour-ending", action="store_true",
                            help="timestamps mark the END of the hour (CNEMC style); shifted back 1 h")
        parser.add_argument("--per-file", action="store_true",
                            help="每个文件单独全部成功或全部不写入 / each file all or nothing on its own (one transaction "
                                 "per file; files before a bad one stay written)")
        parser.add_argument("--user", help="acting user (scope and audit)")

    def handle(self, *args, files, format, hour_ending, user, per_file=False, **opts):
        from envbureau.core.models import User
        from envbureau.quality.airdata import ImportFailed, import_files

        actor = User.objects.get(username=user) if user else None
        paths = [Path(f) for f in files]
        for p in paths:
            if not p.exists():
                raise CommandError(f"no such file: {p}")
        if actor is not None:
            from envbureau.core.permissions import has_perm

            if not has_perm(actor, "quality.add"):
                raise CommandError(f"{actor} may not import quality data")
        # progress per row read (validated and written in chunks), per window of a file's station-days, then per
        # window of jurisdiction days
        bar = tqdm(unit="行", desc="读取/校验/写入", disable=opts.get("verbosity", 1) == 0)

        def progress(stage, done, total):
            if stage == "rows":
                bar.update(done - bar.n)
            elif stage == "daily":
                bar.set_description(f"站点日评价 {done}/{total}")
            elif stage == "jurisdiction":
                bar.set_description(f"区划日评价 {done}/{total}")

        try:
            out = import_files([(str(p), p) for p in paths], fmt=format, user=actor, hour_ending=hour_ending,
                               progress=progress, source="cli", per_file=per_file)
        except ImportFailed as e:
            bar.close()
            for err in e.errors[:50]:
                self.stderr.write(f"{err['file']} 第{err['row']}行 [{err['column']}] {err['message']}")
            if not per_file:
                raise CommandError(f"{e.total_errors} 处错误,未写入任何数据 / {e.total_errors} errors, nothing written") \
                    from None
            bad = len(e.committed)
            raise CommandError(
                f"{e.total_errors} 处错误,文件 {Path(files[bad]).name} 未写入;已写入 {len(e.committed)} 个文件"
                f"({'、'.join(e.committed) or '无'}),未读取 {len(e.not_read)} 个文件({'、'.join(e.not_read) or '无'}) / "
                f"{e.total_errors} errors: {Path(files[bad]).name} not written; {len(e.committed)} file(s) written "
                f"before it, {len(e.not_read)} after it not read") from None
        bar.close()
        self.stdout.write(
            f"{out['rows']} 行: 新增 {out['inserted']}, 更新 {out['updated']}, 未变 {out['unchanged']}; "
            f"重算站点日 {out['rebuilt'].get('station_days', 0)}, 区划日 {out['rebuilt'].get('jurisdiction_days', 0)}")
