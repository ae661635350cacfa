"""The demo agency that `make run` loads: a ministry, its units and one user per role.

Idempotent: units and users are matched by code and username, so loading twice changes
nothing. `zona.home.demo.load_demo` starts here; the `DemoContext` built here is what the
other apps' `demo.py` modules add their own demo data to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from zona.accounts.models import ReviewTier, Role, RoleAssignment, ServiceType, Unit, User

DEMO_PASSWORD = "zona-demo-2026"  # noqa: S105 (public demo data, printed by make run)

AGENCY = ("KPM", "Kementerian Pelayanan Masyarakat", "ministry")

# Echelon I units, each with its regional offices and their satker.
TREE: list[tuple[str, str, list[tuple[str, str, list[tuple[str, str, str]]]]]] = [
    (
        "KPM-DJIM",
        "Direktorat Jenderal Keimigrasian",
        [
            (
                "KPM-JKT",
                "Kantor Wilayah DKI Jakarta",
                [
                    ("KPM-IMI-JKT-PST", "Kantor Imigrasi Kelas I Jakarta Pusat", "Jakarta Pusat"),
                    (
                        "KPM-IMI-JKT-SEL",
                        "Kantor Imigrasi Kelas I Jakarta Selatan",
                        "Jakarta Selatan",
                    ),
                    ("KPM-IMI-JKT-UTR", "Kantor Imigrasi Kelas I Jakarta Utara", "Jakarta Utara"),
                    ("KPM-IMI-JKT-TIM", "Kantor Imigrasi Kelas I Jakarta Timur", "Jakarta Timur"),
                    ("KPM-IMI-JKT-BAR", "Kantor Imigrasi Kelas I Jakarta Barat", "Jakarta Barat"),
                    ("KPM-IMI-SKH", "Kantor Imigrasi Kelas I Khusus Soekarno-Hatta", "Tangerang"),
                    ("KPM-IMI-TPR", "Kantor Imigrasi Kelas II Tanjung Priok", "Jakarta Utara"),
                ],
            ),
            (
                "KPM-JBR",
                "Kantor Wilayah Jawa Barat",
                [
                    ("KPM-IMI-BDG", "Kantor Imigrasi Kelas I Bandung", "Kota Bandung"),
                    ("KPM-IMI-BGR", "Kantor Imigrasi Kelas I Bogor", "Kota Bogor"),
                    ("KPM-IMI-BKS", "Kantor Imigrasi Kelas II Bekasi", "Kota Bekasi"),
                    ("KPM-IMI-DPK", "Kantor Imigrasi Kelas II Depok", "Kota Depok"),
                    ("KPM-IMI-CRB", "Kantor Imigrasi Kelas II Cirebon", "Kota Cirebon"),
                    ("KPM-IMI-TSM", "Kantor Imigrasi Kelas II Tasikmalaya", "Kota Tasikmalaya"),
                    ("KPM-IMI-SKB", "Kantor Imigrasi Kelas II Sukabumi", "Kota Sukabumi"),
                ],
            ),
        ],
    ),
    (
        "KPM-DJAH",
        "Direktorat Jenderal Administrasi Hukum Umum",
        [
            (
                "KPM-JTG",
                "Kantor Wilayah Jawa Tengah",
                [
                    ("KPM-AHU-SMG", "Balai Harta Peninggalan Semarang", "Kota Semarang"),
                    ("KPM-AHU-SKA", "Layanan Administrasi Hukum Surakarta", "Kota Surakarta"),
                    ("KPM-AHU-PKL", "Layanan Administrasi Hukum Pekalongan", "Kota Pekalongan"),
                    ("KPM-AHU-MGL", "Layanan Administrasi Hukum Magelang", "Kota Magelang"),
                    ("KPM-AHU-PWT", "Layanan Administrasi Hukum Purwokerto", "Banyumas"),
                    ("KPM-AHU-TGL", "Layanan Administrasi Hukum Tegal", "Kota Tegal"),
                ],
            ),
            (
                "KPM-JTM",
                "Kantor Wilayah Jawa Timur",
                [
                    ("KPM-AHU-SBY", "Balai Harta Peninggalan Surabaya", "Kota Surabaya"),
                    ("KPM-AHU-MLG", "Layanan Administrasi Hukum Malang", "Kota Malang"),
                    ("KPM-AHU-KDR", "Layanan Administrasi Hukum Kediri", "Kota Kediri"),
                    ("KPM-AHU-JBR", "Layanan Administrasi Hukum Jember", "Jember"),
                    ("KPM-AHU-MDN", "Layanan Administrasi Hukum Madiun", "Kota Madiun"),
                    ("KPM-AHU-BWI", "Layanan Administrasi Hukum Banyuwangi", "Banyuwangi"),
                    ("KPM-AHU-PSR", "Layanan Administrasi Hukum Pasuruan", "Pasuruan"),
                ],
            ),
        ],
    ),
    (
        "KPM-DJPU",
        "Direktorat Jenderal Perizinan Usaha",
        [
            (
                "KPM-SUM",
                "Kantor Wilayah Sumatera Utara",
                [
                    ("KPM-PZN-MDN", "Kantor Pelayanan Perizinan Medan", "Kota Medan"),
                    (
                        "KPM-PZN-PMS",
                        "Kantor Pelayanan Perizinan Pematangsiantar",
                        "Kota Pematangsiantar",
                    ),
                    ("KPM-PZN-BNJ", "Kantor Pelayanan Perizinan Binjai", "Kota Binjai"),
                    ("KPM-PZN-SBG", "Kantor Pelayanan Perizinan Sibolga", "Kota Sibolga"),
                    (
                        "KPM-PZN-TBT",
                        "Kantor Pelayanan Perizinan Tebing Tinggi",
                        "Kota Tebing Tinggi",
                    ),
                    ("KPM-PZN-KSR", "Kantor Pelayanan Perizinan Kisaran", "Asahan"),
                ],
            ),
            (
                "KPM-SLS",
                "Kantor Wilayah Sulawesi Selatan",
                [
                    ("KPM-PZN-MKS", "Kantor Pelayanan Perizinan Makassar", "Kota Makassar"),
                    ("KPM-PZN-PRE", "Kantor Pelayanan Perizinan Parepare", "Kota Parepare"),
                    ("KPM-PZN-PLP", "Kantor Pelayanan Perizinan Palopo", "Kota Palopo"),
                    ("KPM-PZN-BON", "Kantor Pelayanan Perizinan Bone", "Bone"),
                    ("KPM-PZN-GWA", "Kantor Pelayanan Perizinan Gowa", "Gowa"),
                    ("KPM-PZN-MRS", "Kantor Pelayanan Perizinan Maros", "Maros"),
                    ("KPM-PZN-BLK", "Kantor Pelayanan Perizinan Bulukumba", "Bulukumba"),
                ],
            ),
        ],
    ),
]

SERVICES_BY_PREFIX = {
    "KPM-IMI": [
        ("PASPOR", "Penerbitan Paspor RI"),
        ("ITAS", "Izin Tinggal Terbatas"),
        ("ITAP", "Izin Tinggal Tetap"),
        ("PENGADUAN", "Pengaduan dan Informasi Keimigrasian"),
    ],
    "KPM-AHU": [
        ("WARIS", "Surat Keterangan Hak Waris"),
        ("WALI", "Perwalian dan Pengampuan"),
        ("PAILIT", "Pengurusan Harta Pailit"),
    ],
    "KPM-PZN": [
        ("NIB", "Nomor Induk Berusaha"),
        ("PBG", "Persetujuan Bangunan Gedung"),
        ("SIP", "Surat Izin Praktik Tenaga Kesehatan"),
        ("REKLAME", "Izin Penyelenggaraan Reklame"),
    ],
}

# (username, full name, role, unit code or None, extra)
DEMO_USERS: list[tuple[str, str, str, str | None, dict]] = [
    ("admin", "Administrator Sistem", Role.SYSTEM_ADMIN, None, {}),
    ("admin.kpm", "Rina Wulandari", Role.AGENCY_ADMIN, "KPM", {"covers_subtree": True}),
    ("operator.bandung", "Dedi Kurniawan", Role.UNIT_OPERATOR, "KPM-IMI-BDG", {}),
    (
        "pokja.bandung",
        "Siti Rahmawati",
        Role.WORKING_GROUP,
        "KPM-IMI-BDG",
        {"lke_areas": ["1", "2"]},
    ),
    ("kepala.bandung", "Agus Setiawan", Role.UNIT_HEAD, "KPM-IMI-BDG", {}),
    (
        "reviewer.kanwil",
        "Bambang Hartono",
        Role.REVIEWER,
        "KPM-JBR",
        {"covers_subtree": True, "tier": "kanwil"},
    ),
    (
        "reviewer.eselon1",
        "Yuliana Putri",
        Role.REVIEWER,
        "KPM-DJIM",
        {"covers_subtree": True, "tier": "eselon1"},
    ),
    (
        "reviewer.tpi",
        "Hendra Gunawan",
        Role.REVIEWER,
        "KPM",
        {"covers_subtree": True, "tier": "tpi"},
    ),
    ("tpn", "Dewi Lestari", Role.NATIONAL_EVALUATOR, None, {"tier": "tpn"}),
    ("viewer", "Andi Pratama", Role.VIEWER, "KPM", {"covers_subtree": True}),
]

TIERS = [
    ("kanwil", "Kantor Wilayah", 10),
    ("eselon1", "Unit Eselon I", 20),
    ("tpi", "TPI (Inspektorat Jenderal)", 30),
]


@dataclass
class DemoContext:
    agency: Unit
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    tiers: dict[str, ReviewTier] = field(default_factory=dict)


def _unit(parent: Unit | None, code: str, name: str, kind: str, **extra) -> Unit:
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    if parent is None:
        return Unit.objects.add_root({"code": code, "name": name, "kind": kind, **extra})
    parent.refresh_from_db()  # treebeard needs the parent's current numchild
    return Unit.objects.add_child(parent, {"code": code, "name": name, "kind": kind, **extra})


@transaction.atomic
def load_demo_accounts() -> DemoContext:
    agency = _unit(None, *AGENCY)
    ctx = DemoContext(agency=agency, units={agency.code: agency})
    for es1_code, es1_name, offices in TREE:
        es1 = _unit(agency, es1_code, es1_name, "echelon_i", echelon=1)
        ctx.units[es1.code] = es1
        for office_code, office_name, satkers in offices:
            office = _unit(es1, office_code, office_name, "regional_office", echelon=2)
            ctx.units[office.code] = office
            for code, name, region in satkers:
                satker = _unit(office, code, name, "satker", echelon=3, region=region)
                ctx.units[code] = satker
                prefix = code.rsplit("-", 1)[0]
                for svc_code, svc_name in SERVICES_BY_PREFIX.get(prefix, []):
                    ServiceType.objects.get_or_create(
                        unit=satker, code=svc_code, defaults={"name": svc_name}
                    )
    for code, name, rank in TIERS:
        ctx.tiers[code], _ = ReviewTier.objects.get_or_create(
            agency=agency, code=code, defaults={"name": name, "rank": rank}
        )
    ctx.tiers["tpn"], _ = ReviewTier.objects.get_or_create(
        agency=None, code="tpn", defaults={"name": "TPN (KemenPAN-RB)", "rank": 90}
    )
    for username, full_name, role, unit_code, extra in DEMO_USERS:
        unit = ctx.units[unit_code] if unit_code else None
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                email=f"{username}@demo.zona.go.id",
                home_unit=unit,
                is_staff=role == Role.SYSTEM_ADMIN,
                is_superuser=role == Role.SYSTEM_ADMIN,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        ctx.users[username] = user
        tier = ctx.tiers.get(extra.get("tier", ""))
        RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            unit=unit,
            review_tier=tier,
            defaults={
                "covers_subtree": extra.get("covers_subtree", False),
                "lke_areas": extra.get("lke_areas", []),
            },
        )
    return ctx
