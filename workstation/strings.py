"""Everything the workstation says to an officer, in English and Thai.

Officers are not programmers: one plain line per event, no stack traces, no jargon where a
word will do. The workstation cannot use Flask-Babel (it imports only `crypto`), so the two
languages live side by side here; a test checks that every message has both and that their
{placeholders} agree.
"""

from __future__ import annotations

import os

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"
LANGUAGE_ENV = "WESTRONG_LANG"

# key: (English, Thai)
MESSAGES: dict[str, tuple[str, str]] = {
    # The bundle as a whole
    "not_a_bundle": (
        "This is not an export bundle, or it is damaged or incomplete (copy it again).",
        "ไฟล์นี้ไม่ใช่ชุดไฟล์ส่งออก หรือไฟล์เสียหาย/คัดลอกมาไม่ครบ (กรุณาคัดลอกมาใหม่)",
    ),
    "no_manifest": (
        "The bundle has no list of its contents (manifest.json): it is not an export bundle.",
        "ชุดไฟล์ส่งออกไม่มีรายการเนื้อหา (manifest.json) จึงไม่ใช่ชุดไฟล์ส่งออก",
    ),
    "bad_manifest": (
        "The bundle's list of contents (manifest.json) is damaged.",
        "รายการเนื้อหาของชุดไฟล์ส่งออก (manifest.json) เสียหาย",
    ),
    "unsupported_bundle": (
        "This bundle was made by another version of WE STRONG Drop: update the workstation.",
        "ชุดไฟล์ส่งออกนี้สร้างจาก WE STRONG Drop รุ่นอื่น กรุณาอัปเดตโปรแกรมบนเครื่องนี้",
    ),
    "unsigned": (
        "REFUSED: this bundle is not signed by a WE STRONG Drop server. Do not open it; "
        "export it again from the reviewer interface.",
        "ปฏิเสธ: ชุดไฟล์ส่งออกนี้ไม่มีลายเซ็นของเซิร์ฟเวอร์ WE STRONG Drop ห้ามเปิด "
        "กรุณาส่งออกใหม่จากระบบของเจ้าหน้าที่",
    ),
    "bad_signature": (
        "REFUSED: this bundle's signature does not match the pinned server key: it was "
        "altered on the way, or comes from another server. Do not open it; tell your "
        "security contact.",
        "ปฏิเสธ: ลายเซ็นของชุดไฟล์ส่งออกนี้ไม่ตรงกับกุญแจเซิร์ฟเวอร์ที่บันทึกไว้ อาจถูกแก้ไขระหว่างทาง "
        "หรือมาจากเซิร์ฟเวอร์อื่น ห้ามเปิด และแจ้งผู้ดูแลความปลอดภัย",
    ),
    "not_pinned": (
        "No server key is pinned on this workstation ({detail}). Pin it once at set-up: "
        "python -m workstation pin-server KEY (the key is on the reviewer interface's "
        "Desks page).",
        "เครื่องนี้ยังไม่ได้บันทึกกุญแจของเซิร์ฟเวอร์ ({detail}) กรุณาบันทึกครั้งเดียวตอนติดตั้ง: "
        "python -m workstation pin-server KEY (ดูกุญแจได้ที่หน้าหน่วยงานผู้รับเรื่องในระบบของเจ้าหน้าที่)",
    ),
    "pin_bad": (
        "The pinned server key file is damaged ({detail}): pin the key again.",
        "ไฟล์กุญแจเซิร์ฟเวอร์ที่บันทึกไว้เสียหาย ({detail}) กรุณาบันทึกกุญแจใหม่",
    ),
    "signed_ok": (
        "Signed by the pinned server key (fingerprint {detail}).",
        "ลายเซ็นถูกต้อง ตรงกับกุญแจเซิร์ฟเวอร์ที่บันทึกไว้ (ลายนิ้วมือ {detail})",
    ),
    "pin_key_bad": (
        "This is not a server signing key (westrongsign1…): copy it again from the Desks page.",
        "นี่ไม่ใช่กุญแจลงนามของเซิร์ฟเวอร์ (westrongsign1…) กรุณาคัดลอกใหม่จากหน้าหน่วยงานผู้รับเรื่อง",
    ),
    "pin_exists": (
        "Another server key is already pinned in {detail}. Remove that file first if the "
        "server's key really changed (ask your security contact).",
        "มีกุญแจเซิร์ฟเวอร์อื่นบันทึกไว้แล้วใน {detail} หากกุญแจของเซิร์ฟเวอร์เปลี่ยนจริง "
        "(สอบถามผู้ดูแลความปลอดภัย) ให้ลบไฟล์นั้นก่อน",
    ),
    "pin_done": ("Server key pinned in: {detail}", "บันทึกกุญแจเซิร์ฟเวอร์แล้วที่: {detail}"),
    "pin_compare": (
        "Read this fingerprint aloud with the administrator; it must match the Desks page: "
        "{detail}",
        "อ่านลายนิ้วมือนี้ออกเสียงกับผู้ดูแลระบบ ต้องตรงกับที่แสดงในหน้าหน่วยงานผู้รับเรื่อง: {detail}",
    ),
    # One item
    "missing": (
        "listed in the bundle but not in it (the export is incomplete)",
        "มีอยู่ในรายการแต่ไม่มีไฟล์อยู่ในชุดไฟล์ส่งออก (ส่งออกมาไม่ครบ)",
    ),
    "ambiguous": (
        "appears twice in the bundle: not opened",
        "มีไฟล์ชื่อนี้ซ้ำสองครั้งในชุดไฟล์ส่งออก จึงไม่เปิด",
    ),
    "damaged": (
        "damaged inside the bundle (copy the bundle again)",
        "ไฟล์ในชุดไฟล์ส่งออกเสียหาย (กรุณาคัดลอกชุดไฟล์ส่งออกมาใหม่)",
    ),
    "truncated": (
        "truncated: the file is shorter than the bundle says ({detail} bytes)",
        "ไฟล์ไม่ครบ: สั้นกว่าที่ระบุไว้ในชุดไฟล์ส่งออก ({detail} ไบต์)",
    ),
    "too_long": (
        "corrupt: the file is longer than the bundle says ({detail} bytes)",
        "ไฟล์เสียหาย: ยาวกว่าที่ระบุไว้ในชุดไฟล์ส่งออก ({detail} ไบต์)",
    ),
    "hash_mismatch": (
        "corrupt: its checksum (SHA-256) does not match the bundle's list",
        "ไฟล์เสียหาย: ค่าตรวจสอบ (SHA-256) ไม่ตรงกับรายการในชุดไฟล์ส่งออก",
    ),
    "bad_path": (
        "refused: its name in the bundle's list is not allowed (possible tampering)",
        "ปฏิเสธ: ชื่อในรายการของชุดไฟล์ส่งออกไม่ถูกต้อง (อาจถูกดัดแปลง)",
    ),
    "manifest_entry": (
        "refused: its entry in the bundle's list is incomplete or invalid",
        "ปฏิเสธ: ข้อมูลของรายการนี้ในชุดไฟล์ส่งออกไม่ครบหรือไม่ถูกต้อง",
    ),
    "duplicate": (
        "refused: listed twice in the bundle's list",
        "ปฏิเสธ: มีชื่อซ้ำในรายการของชุดไฟล์ส่งออก",
    ),
    "wrong_key": (
        "not encrypted to this desk key (wrong key file?)",
        "ไม่ได้เข้ารหัสไว้สำหรับกุญแจของหน่วยงานผู้รับเรื่องนี้ (ใช้ไฟล์กุญแจผิดหรือไม่)",
    ),
    "header_damaged": (
        "corrupt: the start of the encrypted file is damaged",
        "ไฟล์เสียหาย: ส่วนต้นของไฟล์ที่เข้ารหัสเสียหาย",
    ),
    "header_too_large": (
        "refused: the encrypted file's header is too large (possible tampering); nothing was kept",
        "ปฏิเสธ: ส่วนหัวของไฟล์ที่เข้ารหัสมีขนาดใหญ่เกินไป (อาจถูกดัดแปลง) จึงไม่ได้เก็บส่วนใดไว้",
    ),
    "header_altered": (
        "corrupt: the encrypted file's header was altered",
        "ไฟล์เสียหาย: ส่วนหัวของไฟล์ที่เข้ารหัสถูกแก้ไข",
    ),
    "payload_truncated": (
        "truncated: the encrypted file ends too early; nothing of it was kept",
        "ไฟล์ไม่ครบ: ไฟล์ที่เข้ารหัสจบก่อนกำหนด จึงไม่ได้เก็บส่วนใดไว้",
    ),
    "payload_corrupt": (
        "corrupt: the encrypted content fails its integrity check; nothing of it was kept",
        "ไฟล์เสียหาย: เนื้อหาที่เข้ารหัสไม่ผ่านการตรวจสอบความถูกต้อง จึงไม่ได้เก็บส่วนใดไว้",
    ),
    "inner_format": (
        "decrypted, but the content is not in WE STRONG Drop's format",
        "ถอดรหัสได้ แต่เนื้อหาไม่อยู่ในรูปแบบของ WE STRONG Drop",
    ),
    "kind_mismatch": (
        "the bundle's list and the encrypted item disagree on what it is: not opened",
        "ประเภทของรายการในชุดไฟล์ส่งออกไม่ตรงกับข้อมูลที่เข้ารหัส จึงไม่เปิด",
    ),
    "wrong_case": (
        "REFUSED: the encrypted item belongs to another case than the folder it was found "
        "in: not opened",
        "ปฏิเสธ: ข้อมูลที่เข้ารหัสเป็นของกรณีอื่น ไม่ใช่ของโฟลเดอร์ที่พบ จึงไม่เปิด",
    ),
    "write_failed": (
        "could not be written to the output folder ({detail})",
        "ไม่สามารถบันทึกลงในโฟลเดอร์ผลลัพธ์ได้ ({detail})",
    ),
    "disk_full": (
        "not saved: the disk is full ({detail}); nothing half-written was kept. Free some "
        "space, then open the bundle again into a new folder",
        "ไม่ได้บันทึก: พื้นที่ดิสก์เต็ม ({detail}) ไม่มีไฟล์ครึ่ง ๆ กลาง ๆ ค้างอยู่ "
        "ให้ลบไฟล์ที่ไม่ใช้ออกก่อน แล้วเปิดชุดไฟล์ส่งออกอีกครั้งลงในโฟลเดอร์ใหม่",
    ),
    "bundle_gone": (
        "not opened: the bundle could no longer be read — was the USB stick removed? ({detail}); "
        "nothing half-written was kept. Plug the stick in again, then open the bundle again "
        "into a new folder",
        "ไม่ได้เปิด: อ่านชุดไฟล์ส่งออกต่อไม่ได้ — USB ถูกถอดออกหรือไม่ ({detail}) "
        "ไม่มีไฟล์ครึ่ง ๆ กลาง ๆ ค้างอยู่ ให้เสียบ USB อีกครั้ง แล้วเปิดชุดไฟล์ส่งออกใหม่ลงในโฟลเดอร์ใหม่",
    ),
    # Key files and passphrases
    "key_missing": (
        "The key file cannot be read: {detail}",
        "ไม่สามารถอ่านไฟล์กุญแจได้: {detail}",
    ),
    "key_bad": (
        "This is not a desk key file.",
        "ไฟล์นี้ไม่ใช่ไฟล์กุญแจของหน่วยงานผู้รับเรื่อง",
    ),
    "key_not_passphrase": (
        "This key file is encrypted to another key, not protected by a passphrase.",
        "ไฟล์กุญแจนี้เข้ารหัสไว้ด้วยกุญแจอื่น ไม่ได้ป้องกันด้วยวลีรหัสผ่าน",
    ),
    "key_armored": (
        "This key file is in text (armored) form: use the binary file keygen made.",
        "ไฟล์กุญแจนี้อยู่ในรูปแบบข้อความ (armor) กรุณาใช้ไฟล์ที่สร้างจากคำสั่ง keygen",
    ),
    "key_damaged": (
        "The key file is damaged: {detail}",
        "ไฟล์กุญแจเสียหาย: {detail}",
    ),
    "wrong_passphrase": (
        "Wrong passphrase for the key file.",
        "วลีรหัสผ่านของไฟล์กุญแจไม่ถูกต้อง",
    ),
    "passphrase_prompt": ("Passphrase for the key file: ", "วลีรหัสผ่านของไฟล์กุญแจ: "),
    "passphrase_new": (
        "New passphrase for the key file (leave empty to get a generated one): ",
        "ตั้งวลีรหัสผ่านสำหรับไฟล์กุญแจ (เว้นว่างไว้เพื่อให้โปรแกรมสร้างให้): ",
    ),
    "passphrase_again": ("The same passphrase again: ", "พิมพ์วลีรหัสผ่านเดิมอีกครั้ง: "),
    "passphrase_differ": (
        "The two passphrases differ. Try again.",
        "วลีรหัสผ่านทั้งสองครั้งไม่ตรงกัน กรุณาลองใหม่",
    ),
    "passphrase_short": (
        "The passphrase is too short: use at least {detail} characters, or a generated one.",
        "วลีรหัสผ่านสั้นเกินไป: ใช้อย่างน้อย {detail} ตัวอักษร หรือให้โปรแกรมสร้างให้",
    ),
    "passphrase_generated": (
        "Your passphrase (write it down on paper, keep it apart from the key): {detail}",
        "วลีรหัสผ่านของคุณ (จดลงกระดาษ และเก็บแยกจากไฟล์กุญแจ): {detail}",
    ),
    "passphrase_none": (
        "No passphrase given (no terminal to ask on).",
        "ไม่ได้ระบุวลีรหัสผ่าน (ไม่มีหน้าจอให้พิมพ์)",
    ),
    "passphrase_file": (
        "The passphrase file cannot be read: {detail}",
        "ไม่สามารถอ่านไฟล์วลีรหัสผ่านได้: {detail}",
    ),
    # keygen
    "keygen_exists": (
        "{detail} already exists: keygen never overwrites a key. Choose another name.",
        "มีไฟล์ {detail} อยู่แล้ว คำสั่ง keygen จะไม่เขียนทับกุญแจเดิม กรุณาเลือกชื่ออื่น",
    ),
    "keygen_failed": (
        "The key could not be saved: {detail}",
        "ไม่สามารถบันทึกกุญแจได้: {detail}",
    ),
    "keygen_done": (
        "The desk key is saved, protected by your passphrase, in: {detail}",
        "บันทึกกุญแจของหน่วยงานผู้รับเรื่องแล้ว (ป้องกันด้วยวลีรหัสผ่าน) ที่: {detail}",
    ),
    "keygen_public_file": (
        "The public key (safe to copy) is also in: {detail}",
        "กุญแจสาธารณะ (คัดลอกออกไปได้อย่างปลอดภัย) อยู่ในไฟล์: {detail}",
    ),
    "keygen_public": ("Public key:  {detail}", "กุญแจสาธารณะ:  {detail}"),
    "keygen_fingerprint": ("Fingerprint: {detail}", "ลายนิ้วมือกุญแจ: {detail}"),
    "keygen_register": (
        "Register the public key in the reviewer interface, then read the fingerprint aloud "
        "with a colleague to check it. Keep the key file and the passphrase on this offline "
        "machine; make one backup copy on a USB stick kept in a safe.",
        "ลงทะเบียนกุญแจสาธารณะในระบบของเจ้าหน้าที่ แล้วอ่านลายนิ้วมือกุญแจออกเสียงกับเพื่อนร่วมงาน"
        "เพื่อตรวจสอบ เก็บไฟล์กุญแจและวลีรหัสผ่านไว้ในเครื่องที่ไม่เชื่อมต่อเครือข่ายนี้ "
        "และสำรองไฟล์กุญแจหนึ่งชุดใน USB ที่เก็บไว้ในตู้นิรภัย",
    ),
    # open and verify
    "out_not_empty": (
        "The output folder {detail} is not empty: choose a new or empty folder.",
        "โฟลเดอร์ผลลัพธ์ {detail} ไม่ว่าง กรุณาเลือกโฟลเดอร์ใหม่หรือโฟลเดอร์ว่าง",
    ),
    "out_failed": (
        "The output folder cannot be created: {detail}",
        "ไม่สามารถสร้างโฟลเดอร์ผลลัพธ์ได้: {detail}",
    ),
    "out_disk_full": (
        "The disk is full ({detail}): opening stopped and nothing half-written was kept. "
        "Free some space, then open the bundle again into a new folder.",
        "พื้นที่ดิสก์เต็ม ({detail}) จึงหยุดเปิด และไม่มีไฟล์ครึ่ง ๆ กลาง ๆ ค้างอยู่ "
        "ให้ลบไฟล์ที่ไม่ใช้ออกก่อน แล้วเปิดชุดไฟล์ส่งออกอีกครั้งลงในโฟลเดอร์ใหม่",
    ),
    "bundle_missing": (
        "The bundle cannot be read: {detail}",
        "ไม่สามารถอ่านชุดไฟล์ส่งออกได้: {detail}",
    ),
    "opening": (
        "Opening {detail} items…",
        "กำลังเปิด {detail} รายการ…",
    ),
    "item_failed": ("FAILED {path}: {reason}", "ไม่สำเร็จ {path}: {reason}"),
    "summary": ("Summary", "สรุป"),
    "summary_opened": (
        "Opened {ok} of {total} items.",
        "เปิดได้ {ok} จาก {total} รายการ",
    ),
    "summary_failed": (
        "{detail} items could not be opened:",
        "เปิดไม่ได้ {detail} รายการ:",
    ),
    "summary_wrong_key": (
        "No item is for this key: check that you chose the key file of the right desk.",
        "ไม่มีรายการใดที่เปิดได้ด้วยกุญแจนี้ กรุณาตรวจสอบว่าเลือกไฟล์กุญแจของหน่วยงานผู้รับเรื่องถูกต้อง",
    ),
    "summary_sources": (
        "Sources: {detail}",
        "ผู้แจ้ง: {detail} ราย",
    ),
    "summary_not_cleaned": (
        "Files NOT cleaned of metadata (remove it by hand before sharing them):",
        "ไฟล์ที่ยังไม่ได้ล้างข้อมูลแฝง (ต้องลบเองก่อนส่งต่อให้ผู้อื่น):",
    ),
    "summary_no_mat2": (
        "mat2 is not installed: no file was cleaned of metadata.",
        "ไม่ได้ติดตั้ง mat2: ยังไม่ได้ล้างข้อมูลแฝงของไฟล์ใดเลย",
    ),
    "summary_clean_skipped": (
        "Metadata cleaning was turned off (--no-clean).",
        "ปิดการล้างข้อมูลแฝงไว้ (--no-clean)",
    ),
    "summary_risky": (
        "Possibly dangerous files (do not open them on this machine unless you must):",
        "ไฟล์ที่อาจเป็นอันตราย (อย่าเปิดบนเครื่องนี้ถ้าไม่จำเป็น):",
    ),
    "summary_index": (
        "Open this page to see everything: {detail}",
        "เปิดหน้านี้เพื่อดูทั้งหมด: {detail}",
    ),
    "summary_all_ok": ("Everything opened.", "เปิดได้ครบทุกรายการ"),
    "summary_identity_withheld": (
        "{detail} item(s) of identity details given by the source were checked but NOT opened. "
        "Open them only if you need to, with --reveal-identity.",
        "มีข้อมูลระบุตัวตนที่ผู้แจ้งให้ไว้ {detail} รายการ ตรวจแล้วแต่ยังไม่ได้เปิด "
        "เปิดเฉพาะเมื่อจำเป็น โดยใช้ --reveal-identity",
    ),
    "summary_identity_opened": (
        "{detail} item(s) of identity details were opened, apart from the reports, into the "
        "identity folder. Protect them as you would the person.",
        "เปิดข้อมูลระบุตัวตน {detail} รายการ แยกจากรายงานไว้ในโฟลเดอร์ identity "
        "โปรดปกป้องข้อมูลนี้เหมือนปกป้องตัวผู้แจ้ง",
    ),
    "identity_heading": (
        "Identity details given by the source (kept apart from the reports)",
        "ข้อมูลระบุตัวตนที่ผู้แจ้งให้ไว้ (แยกจากรายงาน)",
    ),
    "identity_withheld": (
        "not opened: open it only if you need to (--reveal-identity)",
        "ยังไม่ได้เปิด เปิดเฉพาะเมื่อจำเป็น (--reveal-identity)",
    ),
    "authorship_ok": (
        "PROVEN: the signature matches case {detail}'s authorship key and this challenge. "
        "It shows the person holds the case's codename, not who they are, nor that they "
        "were not forced.",
        "พิสูจน์แล้ว: ลายเซ็นตรงกับกุญแจพิสูจน์ผู้แจ้งของเรื่อง {detail} และรหัสท้าทายนี้ "
        "แสดงว่าผู้นั้นมีรหัสลับของเรื่องนี้ แต่ไม่ได้บอกว่าเป็นใคร หรือไม่ได้ถูกบังคับ",
    ),
    "authorship_bad": (
        "NOT PROVEN: the signature does not match this case's key and challenge.",
        "พิสูจน์ไม่ได้: ลายเซ็นไม่ตรงกับกุญแจของเรื่องนี้และรหัสท้าทาย",
    ),
    "authorship_no_key": (
        "The bundle lists no authorship key for this case ({detail}): give --case, or "
        "the case was opened before proof of authorship.",
        "ชุดไฟล์ส่งออกไม่มีกุญแจพิสูจน์ผู้แจ้งของเรื่องนี้ ({detail}) ระบุ --case หรือเรื่องนี้เปิดก่อนมีการพิสูจน์ผู้แจ้ง",
    ),
    "authorship_bad_key": (
        "That is not an authorship key (westrongauth1…): {detail}",
        "นี่ไม่ใช่กุญแจพิสูจน์ผู้แจ้ง (westrongauth1…): {detail}",
    ),
    "verify_ok": (
        "{ok} of {total} items are intact.",
        "ไฟล์สมบูรณ์ {ok} จาก {total} รายการ",
    ),
    "verify_all_ok": (
        "The bundle is intact: it can be opened.",
        "ชุดไฟล์ส่งออกสมบูรณ์ พร้อมเปิดได้",
    ),
    "interrupted": ("Stopped.", "หยุดการทำงานแล้ว"),
    # The network check (command line and window)
    "network_up": (
        "WARNING: this computer is connected to a network ({detail}). The workstation must "
        "stay offline: unplug the cable and turn off Wi-Fi before opening tips.",
        "คำเตือน: เครื่องนี้เชื่อมต่อเครือข่ายอยู่ ({detail}) เครื่องคอมพิวเตอร์ออฟไลน์ต้องไม่ต่อเครือข่าย "
        "ถอดสาย LAN และปิด Wi-Fi ก่อนเปิดเบาะแส",
    ),
    "window_no_gtk": (
        "The window needs GTK 3 (Debian's python3-gi and gir1.2-gtk-3.0, in a venv made with "
        "--system-site-packages): {detail}",
        "หน้าต่างโปรแกรมต้องใช้ GTK 3 (แพ็กเกจ python3-gi และ gir1.2-gtk-3.0 ของ Debian "
        "และ venv ที่สร้างด้วย --system-site-packages): {detail}",
    ),
    "launcher_done": ("Launcher installed: {detail}", "ติดตั้งไอคอนแล้ว: {detail}"),
    "launcher_failed": (
        "The launcher could not be installed: {detail}",
        "ติดตั้งไอคอนไม่สำเร็จ: {detail}",
    ),
    # The window
    "win_title": ("WE STRONG — open tips", "WE STRONG — เปิดเบาะแส"),
    "win_switch_language": ("ภาษาไทย (Thai)", "English (ภาษาอังกฤษ)"),
    "win_tab_key": ("1. Make the desk key", "1. สร้างกุญแจ"),
    "win_tab_open": ("2. Open a bundle", "2. เปิดชุดไฟล์ส่งออก"),
    "win_tab_report": ("3. Read and print", "3. อ่านและพิมพ์รายงาน"),
    "win_network_confirm": (
        "I understand; open anyway on this connected computer",
        "เข้าใจแล้ว ยืนยันจะเปิดบนเครื่องที่ต่อเครือข่ายอยู่",
    ),
    "win_reveal_identity": (
        "Also open identity details a source gave (only if you need them)",
        "เปิดข้อมูลระบุตัวตนที่ผู้แจ้งให้ไว้ด้วย (เฉพาะเมื่อจำเป็น)",
    ),
    "win_key_intro": (
        "Do this once per desk. The key file stays on this computer and on the backup stick.",
        "ทำครั้งเดียวต่อหน่วยงานผู้รับเรื่อง ไฟล์กุญแจเก็บไว้บนเครื่องนี้และบน USB สำรองเท่านั้น",
    ),
    "win_desk": ("Desk name (e.g. nacc):", "ชื่อหน่วยงานผู้รับเรื่อง (เช่น nacc):"),
    "win_key_where": ("The key file will be: {detail}", "ไฟล์กุญแจจะอยู่ที่: {detail}"),
    "win_passphrase_new": ("Passphrase:", "วลีรหัสผ่าน:"),
    "win_passphrase_again": ("The same passphrase again:", "พิมพ์วลีรหัสผ่านเดิมอีกครั้ง:"),
    "win_generate": ("Make a passphrase for me", "สร้างวลีรหัสผ่านให้"),
    "win_generated": (
        "Your passphrase — write it on paper now and keep it apart from the key file:",
        "วลีรหัสผ่านของท่าน — จดลงกระดาษทันที และเก็บแยกจากไฟล์กุญแจ:",
    ),
    "win_strength_empty": (
        "At least {detail} characters, or let the program make one (recommended).",
        "อย่างน้อย {detail} ตัวอักษร หรือให้โปรแกรมสร้างให้ (แนะนำ)",
    ),
    "win_strength_short": (
        "Too short: at least {detail} characters.",
        "สั้นเกินไป ต้องมีอย่างน้อย {detail} ตัวอักษร",
    ),
    "win_strength_fair": (
        "Acceptable. Longer is stronger: several words are best.",
        "ใช้ได้ ยิ่งยาวยิ่งปลอดภัย ใช้หลายคำดีที่สุด",
    ),
    "win_strength_good": ("Strong.", "วลีรหัสผ่านแข็งแรง"),
    "win_make_key": ("Make the key", "สร้างกุญแจ"),
    "win_working": ("Working, please wait…", "กำลังทำงาน กรุณารอสักครู่…"),
    "win_key_done": ("The desk key is made: {detail}", "สร้างกุญแจเรียบร้อยแล้ว: {detail}"),
    "win_public_key": ("Public key (safe to copy):", "กุญแจสาธารณะ (คัดลอกออกไปได้):"),
    "win_fingerprint": (
        "Fingerprint — read it aloud with a colleague and compare with the reviewer interface:",
        "ลายนิ้วมือกุญแจ — อ่านออกเสียงกับเพื่อนร่วมงาน เทียบกับที่ระบบของเจ้าหน้าที่แสดง:",
    ),
    "win_save_public": (
        "Save the public key to the USB stick",
        "บันทึกกุญแจสาธารณะลง USB",
    ),
    "win_public_saved": ("Public key saved: {detail}", "บันทึกกุญแจสาธารณะแล้ว: {detail}"),
    "win_public_save_failed": (
        "The public key could not be saved: {detail}",
        "บันทึกกุญแจสาธารณะไม่สำเร็จ: {detail}",
    ),
    "win_backup": (
        "Now copy the key file to the backup USB stick and lock it in the safe. If the key "
        "file is lost or the passphrase forgotten, no tip sent to this desk can ever be opened.",
        "ต่อไปให้คัดลอกไฟล์กุญแจลง USB สำรองและเก็บในตู้นิรภัย หากไฟล์กุญแจหายหรือลืมวลีรหัสผ่าน "
        "จะเปิดเบาะแสที่ส่งถึงหน่วยงานผู้รับเรื่องนี้ไม่ได้อีกเลย",
    ),
    "win_bundle": ("Export bundle (.zip):", "ชุดไฟล์ส่งออก (.zip):"),
    "win_checking": ("Checking the bundle…", "กำลังตรวจสอบชุดไฟล์ส่งออก…"),
    "win_bundle_damaged": (
        "The bundle is damaged or incomplete: {detail} items are not intact (copy it again). "
        "The other items can still be opened.",
        "ชุดไฟล์ส่งออกเสียหายหรือไม่ครบ: {detail} รายการไม่สมบูรณ์ (กรุณาคัดลอกมาใหม่) รายการอื่นยังเปิดได้",
    ),
    "win_key_file": ("Desk key file:", "ไฟล์กุญแจของหน่วยงานผู้รับเรื่อง:"),
    "win_out": ("Save the opened tips in (a new folder):", "เก็บเบาะแสที่เปิดแล้วไว้ที่ (โฟลเดอร์ใหม่):"),
    "win_passphrase": ("Passphrase of the key file:", "วลีรหัสผ่านของไฟล์กุญแจ:"),
    "win_open": ("Open", "เปิด"),
    "win_cancel": ("Cancel", "ยกเลิก"),
    "win_choose_bundle": ("Choose a bundle first.", "กรุณาเลือกชุดไฟล์ส่งออกก่อน"),
    "win_choose_key": ("Choose the desk key file.", "กรุณาเลือกไฟล์กุญแจ"),
    "win_item_progress": ("Item {ok} of {total}", "รายการที่ {ok} จาก {total}"),
    "win_overall": ("Overall", "ทั้งหมด"),
    "win_opened": (
        "Opened {ok} of {total} items. See the report.",
        "เปิดได้ {ok} จาก {total} รายการ ดูรายงานได้ที่แท็บถัดไป",
    ),
    "win_cancelled": (
        "Cancelled: nothing was kept in the output folder.",
        "ยกเลิกแล้ว: ไม่มีไฟล์ใดค้างอยู่ในโฟลเดอร์ผลลัพธ์",
    ),
    "win_no_report": ("No bundle opened yet.", "ยังไม่ได้เปิดชุดไฟล์ส่งออก"),
    "win_open_index": ("Show everything in the web browser", "ดูทั้งหมดในเว็บเบราว์เซอร์"),
    "win_print": ("Print this report…", "พิมพ์รายงานนี้…"),
    "win_print_complaint": ("Print as a complaint…", "พิมพ์เป็นหนังสือกล่าวหา…"),
    "win_read": ("Read", "อ่าน"),
    "win_risky": (
        "⚠ possibly dangerous ({detail}): not opened from here",
        "⚠ อาจเป็นอันตราย ({detail}): ไม่เปิดจากหน้าต่างนี้",
    ),
    "win_failed_item": ("✗ could not be opened: {detail}", "✗ เปิดไม่ได้: {detail}"),
    # Risk reasons (also shown in index.html, in both languages)
    "executable": ("a program", "เป็นโปรแกรม"),
    "script": ("a script (runs code)", "เป็นสคริปต์ (สั่งให้ทำงานได้)"),
    "launcher": ("a shortcut or launcher", "เป็นทางลัดหรือตัวเปิดโปรแกรม"),
    "web": ("a web page or SVG (can run code)", "เป็นหน้าเว็บหรือ SVG (สั่งให้ทำงานได้)"),
    "macro": ("an office file with macros", "เป็นไฟล์เอกสารที่มีมาโคร"),
    "pdf_active": (
        "a PDF with scripts, launch actions or embedded files",
        "เป็น PDF ที่มีสคริปต์ คำสั่งเปิดโปรแกรม หรือไฟล์แนบซ่อนอยู่",
    ),
    "archive_risky": (
        "an archive holding programs or scripts",
        "เป็นไฟล์บีบอัดที่มีโปรแกรมหรือสคริปต์อยู่ข้างใน",
    ),
    "unknown_type": (
        "of a type not known to be safe to open (not linked; check it first)",
        "เป็นไฟล์ประเภทที่ไม่ทราบว่าเปิดได้อย่างปลอดภัย (จึงไม่มีลิงก์ ให้ตรวจสอบก่อน)",
    ),
}


def language_from_env(environ: dict[str, str] | None = None) -> str:
    """Return the language chosen in WESTRONG_LANG, or the default (Thai)."""
    value = (os.environ if environ is None else environ).get(LANGUAGE_ENV, "")
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


class Texts:
    """Messages in one language: `texts("key", detail=…)`."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language
        self._index = 0 if language == "en" else 1

    def __call__(self, key: str, **values: object) -> str:
        """Return the message `key`, its {placeholders} filled in."""
        return MESSAGES[key][self._index].format(**values)
