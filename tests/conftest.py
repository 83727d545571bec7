import csv
import io
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
# the match-index cache of the test run lives in a folder of its own, never in the user's cache
os.environ.setdefault("NUTRI_CACHE_DIR", tempfile.mkdtemp(prefix="nutri-test-cache-"))
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def table():
    from nutri.foods import load_foods

    return load_foods()


@pytest.fixture(scope="session")
def matcher(table):
    from nutri.match import Matcher

    return Matcher(table)


@pytest.fixture
def run():
    from nutri.cli import cli

    def invoke(*args, input=None):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


IN_CI = bool(os.environ.get("NUTRI_CI"))


# A plain day of eating (about 1,900 kcal), as "Food,Amount,Unit" cells: tests add it to a date so
# that the day reads as complete (a few entries alone are far below any plausible day's energy).
REALISTIC_DAY = [
    "oatmeal cooked,1,cup",
    "banana,1,medium",
    "milk 2%,1,cup",
    "chicken breast roasted,150,g",
    "brown rice cooked,1,cup",
    "broccoli cooked,1,cup",
    "olive oil,1,tbsp",
    "whole wheat bread,2,slice",
    "peanut butter,2,tbsp",
    "apple,1,medium",
    "greek yogurt plain,170,g",
    "cheddar cheese,30,g",
]


# The header of an ASA24-2022 Items analysis file (NCI's researcher site), verbatim; tests fill their own rows
ASA24_ITEMS_HEADER = "RecallRecId,UserName,UserID,RecallNo,RecallAttempt,RecallStatus,IntakeStartDateTime,IntakeEndDateTime,ReportingDate,Lang,Occ_No,Occ_Time,Occ_Name,EatWith,WatchTVuseComputer,Location,FoodNum,FoodType,FoodSrce,CodeNum,FoodCode,ModCode,HowMany,SubCode,PortionCode,FoodAmt,KCAL,PROT,TFAT,CARB,MOIS,ALC,CAFF,THEO,SUGR,FIBE,CALC,IRON,MAGN,PHOS,POTA,SODI,ZINC,COPP,SELE,VC,VB1,VB2,NIAC,VB6,FOLA,FA,FF,FDFE,VB12,VARA,RET,BCAR,ACAR,CRYP,LYCO,LZ,ATOC,VK,CHOLE,SFAT,S040,S060,S080,S100,S120,S140,S160,S180,MFAT,M161,M181,M201,M221,PFAT,P182,P183,P184,P204,P205,P225,P226,VITD,CHOLN,VITE_ADD,B12_ADD,F_TOTAL,F_CITMLB,F_OTHER,F_JUICE,V_TOTAL,V_DRKGR,V_REDOR_TOTAL,V_REDOR_TOMATO,V_REDOR_OTHER,V_STARCHY_TOTAL,V_STARCHY_POTATO,V_STARCHY_OTHER,V_OTHER,V_LEGUMES,G_TOTAL,G_WHOLE,G_REFINED,PF_TOTAL,PF_MPS_TOTAL,PF_MEAT,PF_CUREDMEAT,PF_ORGAN,PF_POULT,PF_SEAFD_HI,PF_SEAFD_LOW,PF_EGGS,PF_SOY,PF_NUTSDS,PF_LEGUMES,D_TOTAL,D_MILK,D_YOGURT,D_CHEESE,OILS,SOLID_FATS,ADD_SUGARS,A_DRINKS,FoodComp,Food_Description,ASA24Version"
ASA24_INS_HEADER = "RecallRecId,UserName,UserID,RecallNo,RecallAttempt,RecallStatus,IntakeStartDateTime,IntakeEndDateTime,ReportingDate,Lang,Occ_No,Occ_Time,Occ_Name,SupplNum,SupplCode,SupplUnit,SupplAmount,KCAL,PROT,TFAT,CARB,CAFF,SUGR,FIBE,CALC,IRON,MAGN,PHOS,POTA,SODI,ZINC,COPP,SELE,VC,VB1,VB2,NIAC,VB6,FOLA,FA,FDFE,VB12,VARA,BCAR,ACAR,CRYP,LYCO,LZ,ATOC,VK,CHOLE,SFAT,S080,S100,S140,S160,S180,MFAT,M181,PFAT,P182,P183,P204,P205,P225,P226,VITD,CHOLN,VITE_ADD,B12_ADD,SupplComp,Suppl_Description,ASA24Version"
ASA24_TOTALS_HEADER = "RecallRecId,UserName,UserID,RecallNo,RecallAttempt,RecallStatus,IntakeStartDateTime,IntakeEndDateTime,ReportingDate,Lang,NumFoods,NumCodes,AmtUsual,KCAL,PROT,TFAT,CARB,MOIS,ALC,CAFF,CALC,MAGN,VITD"


def asa24_items(rows: list[dict], header: str = ASA24_ITEMS_HEADER) -> str:
    """An ASA24 Items file (or INS file, with its header): each row's cells by header (UserName,
    IntakeStartDateTime, FoodAmt or SupplAmount, the description, nutrient variables), the other cells of
    a completed recall filled in."""
    names = header.split(",")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for number, row in enumerate(rows, 1):
        assert set(row) <= set(names), "unknown header in test row"
        cells = {"RecallNo": 1, "RecallStatus": 2, "FoodNum": number, "SupplNum": number, "ASA24Version": "ASA24-2022"}
        writer.writerow([{**cells, **row}.get(name, "") for name in names])
    return out.getvalue()


# The leading columns of an NHANES 2017-2018 individual foods file (DR1IFF_J, from its XPT as CSV), verbatim up to
# moisture (the fatty acids after it left out); "DR1" is "DR2" in the day-2 file
NHANES_IFF_HEADER = "SEQN,WTDRD1,WTDR2D,DR1ILINE,DR1DRSTZ,DR1EXMER,DRABF,DRDINT,DR1DBIH,DR1DAY,DR1LANG,DR1CCMNM,DR1CCMTX,DR1_020,DR1_030Z,DR1FS,DR1_040Z,DR1IFDCD,DR1IGRMS,DR1IKCAL,DR1IPROT,DR1ICARB,DR1ISUGR,DR1IFIBE,DR1ITFAT,DR1ISFAT,DR1IMFAT,DR1IPFAT,DR1ICHOL,DR1IATOC,DR1IATOA,DR1IRET,DR1IVARA,DR1IACAR,DR1IBCAR,DR1ICRYP,DR1ILYCO,DR1ILZ,DR1IVB1,DR1IVB2,DR1INIAC,DR1IVB6,DR1IFOLA,DR1IFA,DR1IFF,DR1IFDFE,DR1ICHL,DR1IVB12,DR1IB12A,DR1IVC,DR1IVD,DR1IVK,DR1ICALC,DR1IPHOS,DR1IMAGN,DR1IIRON,DR1IZINC,DR1ICOPP,DR1ISODI,DR1IPOTA,DR1ISELE,DR1ICAFF,DR1ITHEO,DR1IALCO,DR1IMOIS"


def nhanes_foods(day: int, rows: list[dict]) -> str:
    """An NHANES individual foods file of recall ``day`` (1 or 2): each row's cells by the header without its
    "DR1"/"DR2" ("SEQN", "IFDCD", "IGRMS", "IMAGN"), the others of a reliable recall filled in."""
    names = NHANES_IFF_HEADER.replace("DR1", f"DR{day}").split(",")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for line, row in enumerate(rows, 1):
        cells = {"WTDRD1": "81714.0", "ILINE": line, "DRSTZ": 1, "DAY": 3, **row}
        assert all(f"DR{day}{k}" in names or k in names for k in cells), "unknown header in test row"
        writer.writerow([cells.get(name, cells.get(name.removeprefix(f"DR{day}"), "")) for name in names])
    return out.getvalue()


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An .xlsx file of these sheets, in order, each given as its rows."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path
