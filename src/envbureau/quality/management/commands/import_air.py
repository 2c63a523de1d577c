"""envbureau import_air FILE… [--format prsa|standard|auto] [--hour-ending] [--user U]

Validates every row of every file (row/column messages), then writes all of them in one
transaction or none, and rebuilds the derived daily results of the station-days that changed.
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
        parser.add_argument("--user", help="acting user (scope and audit)")

    def handle(self, *args, files, format, hour_ending, user, **opts):
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
        bar = tqdm(total=len(paths) + 2, unit="step", desc="import_air", disable=opts.get("verbosity", 1) == 0)

        def progress(stage, done, total):
            if stage == "read":
                bar.set_description(f"读取/校验 {done}/{total}")
                bar.update(1)
            elif stage == "write":
                bar.set_description("写入")
                bar.update(1)
            elif stage == "daily" and done == total:
                bar.set_description("日评价计算")
                bar.update(1)

        try:
            out = import_files([(str(p), p) for p in paths], fmt=format, user=actor, hour_ending=hour_ending,
                               progress=progress, source="cli")
        except ImportFailed as e:
            bar.close()
            for err in e.errors[:50]:
                self.stderr.write(f"{err['file']} 第{err['row']}行 [{err['column']}] {err['message']}")
            raise CommandError(f"{e.total_errors} 处错误,未写入任何数据 / {e.total_errors} errors, nothing written") from None
        bar.close()
        self.stdout.write(
            f"{out['rows']} 行: 新增 {out['inserted']}, 更新 {out['updated']}, 未变 {out['unchanged']}; "
            f"重算站点日 {out['rebuilt'].get('station_days', 0)}, 区划日 {out['rebuilt'].get('jurisdiction_days', 0)}")
