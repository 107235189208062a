//! North American Numbering Plan area code tables: facts that change over
//! time, kept apart from the structural rules in `mod.rs`, which do not.
//!
//! `IN_SERVICE` is every area code that libphonenumber's metadata accepts
//! numbers in (see [`AREA_CODE_TABLE`] for the release and the date). It
//! only informs: [`PhoneNumber::area_code_in_service`](super::PhoneNumber::area_code_in_service)
//! and the region a number is inferred to belong to. A number in an area
//! code opened since is still accepted (as a US number, unless it is listed
//! as Canadian or another region's).
//!
//! To refresh: bump the `phonenumber` dev-dependency, run
//! `cargo bench -p sinch-imported-numbers --bench phone_number`, which
//! rebuilds the tables from that crate's metadata and prints every area code
//! that differs, copy the differences here, and update [`AREA_CODE_TABLE`].

/// Where the area code tables come from and when they were taken:
/// libphonenumber metadata 9.0.33 (the `phonenumber` crate 0.3.10+9.0.33),
/// taken on 2026-11-23.
pub const AREA_CODE_TABLE: &str =
    "libphonenumber metadata 9.0.33 (phonenumber 0.3.10+9.0.33), taken 2026-11-23";

/// Area codes in service anywhere in NANP, sorted.
pub(crate) const IN_SERVICE: &[u16] = &[
    201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 220,
    223, 224, 225, 226, 227, 228, 229, 231, 234, 235, 236, 239, 240, 242, 246, 248, 249, 250, 251,
    252, 253, 254, 256, 257, 260, 262, 263, 264, 267, 268, 269, 270, 272, 274, 276, 279, 281, 283,
    284, 289, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 312, 313, 314, 315, 316, 317, 318,
    319, 320, 321, 323, 324, 325, 326, 327, 329, 330, 331, 332, 334, 336, 337, 339, 340, 341, 343,
    345, 346, 347, 350, 351, 352, 353, 354, 360, 361, 363, 364, 365, 367, 368, 369, 380, 382, 385,
    386, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 412, 413, 414, 415, 416, 417, 418, 419,
    423, 424, 425, 428, 430, 431, 432, 434, 435, 437, 438, 440, 441, 442, 443, 445, 447, 448, 450,
    458, 463, 464, 468, 469, 470, 472, 473, 474, 475, 478, 479, 480, 484, 500, 501, 502, 503, 504,
    505, 506, 507, 508, 509, 510, 512, 513, 514, 515, 516, 517, 518, 519, 520, 521, 522, 523, 524,
    525, 526, 527, 528, 529, 530, 531, 532, 533, 534, 539, 540, 541, 544, 548, 551, 557, 559, 561,
    562, 563, 564, 566, 567, 570, 571, 572, 573, 574, 575, 577, 579, 580, 581, 582, 584, 585, 586,
    587, 588, 600, 601, 602, 603, 604, 605, 606, 607, 608, 609, 610, 612, 613, 614, 615, 616, 617,
    618, 619, 620, 622, 623, 626, 628, 629, 630, 631, 633, 636, 639, 640, 641, 645, 646, 647, 649,
    650, 651, 656, 657, 658, 659, 660, 661, 662, 664, 667, 669, 670, 671, 672, 678, 680, 681, 682,
    683, 684, 686, 689, 701, 702, 703, 704, 705, 706, 707, 708, 709, 712, 713, 714, 715, 716, 717,
    718, 719, 720, 721, 724, 725, 726, 727, 728, 730, 731, 732, 734, 737, 738, 740, 742, 743, 747,
    748, 753, 754, 757, 758, 760, 762, 763, 765, 767, 769, 770, 771, 772, 773, 774, 775, 778, 779,
    780, 781, 782, 784, 785, 786, 787, 800, 801, 802, 803, 804, 805, 806, 807, 808, 809, 810, 812,
    813, 814, 815, 816, 817, 818, 819, 820, 821, 825, 826, 828, 829, 830, 831, 832, 833, 835, 838,
    839, 840, 843, 844, 845, 847, 848, 849, 850, 854, 855, 856, 857, 858, 859, 860, 862, 863, 864,
    865, 866, 867, 868, 869, 870, 872, 873, 876, 877, 878, 879, 888, 900, 901, 902, 903, 904, 905,
    906, 907, 908, 909, 910, 912, 913, 914, 915, 916, 917, 918, 919, 920, 925, 928, 929, 930, 931,
    934, 936, 937, 938, 939, 940, 941, 942, 943, 945, 947, 948, 949, 951, 952, 954, 956, 959, 970,
    971, 972, 973, 975, 978, 979, 980, 983, 984, 985, 986, 989,
];

/// Canadian area codes among [`IN_SERVICE`], sorted.
pub(crate) const CANADA: &[u16] = &[
    204, 226, 236, 249, 250, 257, 263, 289, 306, 343, 354, 365, 367, 368, 382, 403, 416, 418, 428,
    431, 437, 438, 450, 468, 474, 506, 514, 519, 548, 579, 581, 584, 587, 600, 604, 613, 622, 639,
    647, 672, 683, 705, 709, 742, 753, 778, 780, 782, 807, 819, 825, 867, 873, 879, 902, 905, 942,
];

/// Area codes of NANP members other than the US and Canada, and of US
/// territories with their own ISO region code, sorted.
pub(crate) const OTHER_REGIONS: &[u16] = &[
    242, 246, 264, 268, 284, 340, 345, 441, 473, 649, 658, 664, 670, 671, 684, 721, 758, 767, 784,
    787, 809, 829, 849, 868, 869, 876, 939,
];

/// Toll-free codes, sorted: those in service (800, 833, 844, 855, 866,
/// 877, 888) and those NANP keeps for toll-free use when these run out
/// (822, 880 to 887, 889), so a new toll-free code is known before it
/// opens.
pub(crate) const TOLL_FREE: &[u16] = &[
    800, 822, 833, 844, 855, 866, 877, 880, 881, 882, 883, 884, 885, 886, 887, 888, 889,
];

/// Whether `table` (sorted) holds `area_code`.
pub(crate) fn contains(table: &[u16], area_code: u16) -> bool {
    table.binary_search(&area_code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toll_free_codes_are_sorted() {
        assert!(TOLL_FREE.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn tables_are_sorted_and_nested() {
        for table in [IN_SERVICE, CANADA, OTHER_REGIONS] {
            assert!(table.windows(2).all(|w| w[0] < w[1]));
        }
        assert!(CANADA
            .iter()
            .chain(OTHER_REGIONS)
            .all(|c| contains(IN_SERVICE, *c)));
        assert!(!CANADA.iter().any(|c| contains(OTHER_REGIONS, *c)));
    }
}
