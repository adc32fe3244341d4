"""The 77 provinces of Thailand (76 changwat plus Bangkok) with ISO codes, Thai and English names.

Provenance: Thai and English names from PyThaiNLP 5.4.0 ``corpus/thailand_provinces_th.csv``
(CC0-1.0); codes matched by English name to ISO 3166-2:TH as shipped in pycountry 26.2.16
(Debian iso-codes data, LGPL-2.1), which agreed on every English name except TH-10, where
ISO says "Krung Thep Maha Nakhon" and we keep the common "Bangkok". Thai names were also
checked against iso-codes' Thai translations: the one difference, TH-39, follows the
official spelling หนองบัวลำภู. The special city Pattaya (TH-S) is not a province and is left out.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    """One province: ISO 3166-2:TH code, official Thai name (NFC), English name."""

    code: str
    name_th: str
    name_en: str


# In Thai dictionary order of name_th (webcommon.collation.thai_key): เชียงใหม่ under ช.
PROVINCES: tuple[Province, ...] = (
    Province("TH-81", "กระบี่", "Krabi"),
    Province("TH-10", "กรุงเทพมหานคร", "Bangkok"),
    Province("TH-71", "กาญจนบุรี", "Kanchanaburi"),
    Province("TH-46", "กาฬสินธุ์", "Kalasin"),
    Province("TH-62", "กำแพงเพชร", "Kamphaeng Phet"),
    Province("TH-40", "ขอนแก่น", "Khon Kaen"),
    Province("TH-22", "จันทบุรี", "Chanthaburi"),
    Province("TH-24", "ฉะเชิงเทรา", "Chachoengsao"),
    Province("TH-20", "ชลบุรี", "Chon Buri"),
    Province("TH-18", "ชัยนาท", "Chai Nat"),
    Province("TH-36", "ชัยภูมิ", "Chaiyaphum"),
    Province("TH-86", "ชุมพร", "Chumphon"),
    Province("TH-57", "เชียงราย", "Chiang Rai"),
    Province("TH-50", "เชียงใหม่", "Chiang Mai"),
    Province("TH-92", "ตรัง", "Trang"),
    Province("TH-23", "ตราด", "Trat"),
    Province("TH-63", "ตาก", "Tak"),
    Province("TH-26", "นครนายก", "Nakhon Nayok"),
    Province("TH-73", "นครปฐม", "Nakhon Pathom"),
    Province("TH-48", "นครพนม", "Nakhon Phanom"),
    Province("TH-30", "นครราชสีมา", "Nakhon Ratchasima"),
    Province("TH-80", "นครศรีธรรมราช", "Nakhon Si Thammarat"),
    Province("TH-60", "นครสวรรค์", "Nakhon Sawan"),
    Province("TH-12", "นนทบุรี", "Nonthaburi"),
    Province("TH-96", "นราธิวาส", "Narathiwat"),
    Province("TH-55", "น่าน", "Nan"),
    Province("TH-38", "บึงกาฬ", "Bueng Kan"),
    Province("TH-31", "บุรีรัมย์", "Buri Ram"),
    Province("TH-13", "ปทุมธานี", "Pathum Thani"),
    Province("TH-77", "ประจวบคีรีขันธ์", "Prachuap Khiri Khan"),
    Province("TH-25", "ปราจีนบุรี", "Prachin Buri"),
    Province("TH-94", "ปัตตานี", "Pattani"),
    Province("TH-14", "พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
    Province("TH-56", "พะเยา", "Phayao"),
    Province("TH-82", "พังงา", "Phangnga"),
    Province("TH-93", "พัทลุง", "Phatthalung"),
    Province("TH-66", "พิจิตร", "Phichit"),
    Province("TH-65", "พิษณุโลก", "Phitsanulok"),
    Province("TH-76", "เพชรบุรี", "Phetchaburi"),
    Province("TH-67", "เพชรบูรณ์", "Phetchabun"),
    Province("TH-54", "แพร่", "Phrae"),
    Province("TH-83", "ภูเก็ต", "Phuket"),
    Province("TH-44", "มหาสารคาม", "Maha Sarakham"),
    Province("TH-49", "มุกดาหาร", "Mukdahan"),
    Province("TH-58", "แม่ฮ่องสอน", "Mae Hong Son"),
    Province("TH-35", "ยโสธร", "Yasothon"),
    Province("TH-95", "ยะลา", "Yala"),
    Province("TH-45", "ร้อยเอ็ด", "Roi Et"),
    Province("TH-85", "ระนอง", "Ranong"),
    Province("TH-21", "ระยอง", "Rayong"),
    Province("TH-70", "ราชบุรี", "Ratchaburi"),
    Province("TH-16", "ลพบุรี", "Lop Buri"),
    Province("TH-52", "ลำปาง", "Lampang"),
    Province("TH-51", "ลำพูน", "Lamphun"),
    Province("TH-42", "เลย", "Loei"),
    Province("TH-33", "ศรีสะเกษ", "Si Sa Ket"),
    Province("TH-47", "สกลนคร", "Sakon Nakhon"),
    Province("TH-90", "สงขลา", "Songkhla"),
    Province("TH-91", "สตูล", "Satun"),
    Province("TH-11", "สมุทรปราการ", "Samut Prakan"),
    Province("TH-75", "สมุทรสงคราม", "Samut Songkhram"),
    Province("TH-74", "สมุทรสาคร", "Samut Sakhon"),
    Province("TH-27", "สระแก้ว", "Sa Kaeo"),
    Province("TH-19", "สระบุรี", "Saraburi"),
    Province("TH-17", "สิงห์บุรี", "Sing Buri"),
    Province("TH-64", "สุโขทัย", "Sukhothai"),
    Province("TH-72", "สุพรรณบุรี", "Suphan Buri"),
    Province("TH-84", "สุราษฎร์ธานี", "Surat Thani"),
    Province("TH-32", "สุรินทร์", "Surin"),
    Province("TH-43", "หนองคาย", "Nong Khai"),
    Province("TH-39", "หนองบัวลำภู", "Nong Bua Lam Phu"),
    Province("TH-15", "อ่างทอง", "Ang Thong"),
    Province("TH-37", "อำนาจเจริญ", "Amnat Charoen"),
    Province("TH-41", "อุดรธานี", "Udon Thani"),
    Province("TH-53", "อุตรดิตถ์", "Uttaradit"),
    Province("TH-61", "อุทัยธานี", "Uthai Thani"),
    Province("TH-34", "อุบลราชธานี", "Ubon Ratchathani"),
)

BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}


def province(code: str) -> Province | None:
    """Return the province with this ISO 3166-2:TH code, or None if there is none."""
    return BY_CODE.get(code)


def province_choices(language: str) -> list[tuple[str, str]]:
    """Return (code, name) pairs in the reader's language and order (Thai dictionary order)."""
    if language == "th":
        return [(p.code, p.name_th) for p in PROVINCES]
    return sorted(((p.code, p.name_en) for p in PROVINCES), key=lambda pair: pair[1].casefold())
