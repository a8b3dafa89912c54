"""Seed content of the programme "Lớp bồi dưỡng kiến thức quản lý nhà nước về thông tin và
truyền thông dành cho Giám đốc Sở": programme page, 13 modules (chuyên đề), field study, final
report and the six management fields used as tags. Plain data: 160 periods = 72 theory +
72 discussion + 8 field study + 8 final report.
"""

from __future__ import annotations

PROGRAM = {
    "title": (
        "Chương trình bồi dưỡng kiến thức quản lý nhà nước về thông tin và truyền thông dành cho "
        "Giám đốc Sở"
    ),
    "slug": "chuong-trinh",
    "aims": [
        "Nắm vững chính sách, pháp luật và nội dung quản lý nhà nước ở sáu lĩnh vực Sở phụ trách.",
        "Xây dựng và tổ chức thực hiện kế hoạch chuyển đổi số, chính quyền số, đô thị thông minh "
        "phù hợp với điều kiện của tỉnh.",
        "Tham mưu cho Ủy ban nhân dân cấp tỉnh về đầu tư ứng dụng công nghệ thông tin, an toàn hệ "
        "thống thông tin và chia sẻ dữ liệu đúng quy định.",
        "Phân tích một vấn đề có thật của Sở và đề xuất giải pháp khả thi, dùng được để tham mưu.",
        "Duy trì mạng lưới trao đổi với lãnh đạo các địa phương khác để giải quyết vấn đề chung.",
    ],
    "audience": (
        "Giám đốc, Phó Giám đốc Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc Trung "
        "ương (từ năm 2025, nhiều Sở đã hợp nhất vào Sở Khoa học và Công nghệ) và lãnh đạo phụ "
        "trách công nghệ thông tin của các bộ, ngành, Ủy ban nhân dân cấp tỉnh. Học viên là người "
        "đang trực tiếp điều hành công tác quản lý nhà nước về thông tin và truyền thông hoặc "
        "chuyển đổi số, nên chương trình không nhắc lại kiến thức nhập môn mà đi thẳng vào những "
        "việc người đứng đầu phải quyết định."
    ),
    "introduction": [
        "Chương trình do Trường Đào tạo, Bồi dưỡng cán bộ quản lý thông tin và truyền thông tổ "
        "chức, thời lượng 160 tiết (mỗi tiết 45 phút): 72 tiết lý thuyết, 72 tiết thảo luận, thực "
        "hành, 8 tiết đi nghiên cứu thực tế và 8 tiết viết báo cáo thu hoạch cuối khóa. Phần 1 "
        "gồm 4 chuyên đề tổng quan về quản lý nhà nước về thông tin và truyền thông; Phần 2 gồm 9 "
        "chuyên đề về quản lý nhà nước về công nghệ thông tin.",
        "Cách học theo định hướng của Bộ trưởng: đối thoại thay cho nghe giảng; đi thực tế; hỏi "
        "nhiều hơn nghe; học từ chính các bạn cùng lớp; mỗi học viên mang câu chuyện của Sở mình "
        "đến để cùng thảo luận và tìm cách giải quyết; chương trình được điều chỉnh theo từng "
        "lớp. Vì vậy thời lượng thảo luận bằng thời lượng lý thuyết và mỗi chuyên đề có một câu "
        "hỏi tình huống gắn với thực tế của Sở.",
        "Lớp học tổ chức trực tuyến là chính để lãnh đạo Sở vừa học vừa điều hành công việc ở địa "
        "phương; khóa đầu tiên khai giảng trực tuyến ngày 22/9/2020. Tài liệu, câu hỏi tình huống "
        "và báo cáo thu hoạch được trao đổi trên hệ thống học tập trực tuyến; nghiên cứu thực tế "
        "được bố trí theo điều kiện của từng khóa.",
    ],
    "parts": [
        {"number": 1, "title": "Tổng quan về quản lý nhà nước về thông tin và truyền thông"},
        {"number": 2, "title": "Quản lý nhà nước về công nghệ thông tin"},
    ],
}

MODULES = [
    {
        "number": 1,
        "part": 1,
        "title": "Quản lý nhà nước về thông tin và truyền thông",
        "slug": "chuyen-de-1",
        "theory_periods": 6,
        "discussion_periods": 6,
        "summary": (
            "Nội dung, công cụ và bộ máy quản lý nhà nước về thông tin và truyền thông; vị trí của "
            "Sở trong sáu lĩnh vực và những thay đổi sau sắp xếp bộ máy năm 2025."
        ),
        "objectives": [
            "Nắm được nội dung quản lý nhà nước đối với sáu lĩnh vực do Sở phụ trách.",
            "Phân tích được phân công, phân cấp giữa Bộ, Ủy ban nhân dân cấp tỉnh, Sở và cấp xã.",
            "Vận dụng được công cụ quy hoạch, cấp phép, thanh tra, thống kê trong điều hành Sở.",
        ],
        "body": [
            "Quản lý nhà nước về thông tin và truyền thông là định hướng, điều chỉnh và kiểm soát "
            "các hoạt động bưu chính, viễn thông, công nghệ thông tin, an toàn thông tin mạng, "
            "công nghiệp ICT và thông tin tuyên truyền. Đối tượng quản lý vừa là hạ tầng, vừa là "
            "dịch vụ và nội dung, nên phải kết hợp biện pháp hành chính, kinh tế và kỹ thuật.",
            "Bộ quản lý ngành trên phạm vi cả nước; Ủy ban nhân dân cấp tỉnh quản lý trên địa "
            "bàn; Sở là cơ quan chuyên môn tham mưu. Học viên rà soát nhiệm vụ của Sở: kế hoạch "
            "phát triển hạ tầng; cấp phép theo phân cấp như giấy phép bưu chính nội tỉnh, giấy "
            "phép xuất bản tài liệu không kinh doanh; thanh tra, xử phạt; thống kê ngành.",
            "Thảo luận về sắp xếp bộ máy năm 2025: hai Bộ Thông tin và Truyền thông, Khoa học và "
            "Công nghệ hợp nhất; nhiều Sở hợp nhất vào Sở Khoa học và Công nghệ; nhiệm vụ báo "
            "chí, xuất bản chuyển sang ngành văn hóa; chính quyền địa phương còn hai cấp. Người "
            "đứng đầu cần xác định lại đầu mối từng nhiệm vụ để không bỏ sót việc.",
        ],
        "readings": [
            {
                "title": "Luật Viễn thông số 24/2023/QH15",
                "note": "Thông qua ngày 24/11/2023; bao gồm trung tâm dữ liệu, điện toán đám mây.",
            },
            {
                "title": "Luật Bưu chính số 49/2010/QH12",
                "note": "Thông qua ngày 17/6/2010; cung ứng dịch vụ bưu chính, bưu chính công ích.",
            },
            {
                "title": "Luật Báo chí số 103/2016/QH13",
                "note": "Thông qua ngày 05/4/2016; trách nhiệm cung cấp thông tin cho báo chí.",
            },
        ],
        "case_question": {
            "prompt": (
                "Lập bảng cho biết sau sắp xếp năm 2025, cơ quan nào ở tỉnh anh/chị đang thực hiện "
                "từng nhiệm vụ trong sáu lĩnh vực. Chọn một nhiệm vụ bị chồng chéo hoặc bỏ trống, "
                "ví dụ quản lý điểm phục vụ bưu chính công ích ở cấp xã hay hạ tầng trạm thu phát "
                "sóng, và đề xuất cách phân công lại."
            ),
            "tags": ["buu-chinh", "vien-thong"],
        },
        "lessons": [],
    },
    {
        "number": 2,
        "part": 1,
        "title": "Luật pháp trong hoạt động thông tin và truyền thông",
        "slug": "chuyen-de-2",
        "theory_periods": 6,
        "discussion_periods": 6,
        "summary": (
            "Hệ thống pháp luật về thông tin và truyền thông, trọng tâm là các luật mới về giao "
            "dịch điện tử, viễn thông, dữ liệu, an ninh mạng; áp dụng và xử lý vi phạm ở cấp tỉnh."
        ),
        "objectives": [
            "Nắm được hệ thống pháp luật về thông tin và truyền thông và các luật mới từ năm 2023.",
            "Phân tích được quan hệ giữa pháp luật về an toàn thông tin mạng và an ninh mạng để "
            "xác định trách nhiệm của Sở.",
            "Vận dụng được quy định xử phạt vi phạm hành chính với vụ việc thường gặp.",
        ],
        "body": [
            "Hệ thống gồm các luật chuyên ngành (Bưu chính, Viễn thông, Tần số vô tuyến điện, "
            "Công nghệ thông tin, Giao dịch điện tử, An toàn thông tin mạng, Báo chí, Xuất bản), "
            "các luật liên quan (An ninh mạng, Dữ liệu) và văn bản hướng dẫn. Từ năm 2023 nhiều "
            "luật được thay thế, nên rà soát văn bản địa phương là việc thường xuyên.",
            "Luật Giao dịch điện tử năm 2023 áp dụng cho giao dịch của cơ quan nhà nước và dịch "
            "vụ tin cậy; Luật Viễn thông năm 2023 quản lý cả trung tâm dữ liệu, điện toán đám "
            "mây; Luật Dữ liệu năm 2024 quy định phân loại, chia sẻ dữ liệu; Luật An ninh mạng "
            "năm 2025 hợp nhất hai luật năm 2015, 2018 và giao Bộ Công an làm đầu mối.",
            "Thảo luận về áp dụng pháp luật: tham mưu văn bản cấp tỉnh, thanh tra chuyên ngành, "
            "lập biên bản và ra quyết định xử phạt, chuyển hồ sơ khi có dấu hiệu tội phạm. Học "
            "viên đối chiếu một vụ việc của địa phương với quy định để tìm chỗ vướng về thẩm "
            "quyền, chứng cứ và phối hợp.",
        ],
        "readings": [
            {
                "title": "Luật Giao dịch điện tử số 20/2023/QH15",
                "note": "Thông qua ngày 22/6/2023, hiệu lực từ 01/7/2024; thay thế luật năm 2005.",
            },
            {
                "title": "Luật An toàn thông tin mạng số 86/2015/QH13",
                "note": "Thông qua ngày 19/11/2015; được hợp nhất vào Luật An ninh mạng năm 2025.",
            },
            {
                "title": "Luật An ninh mạng số 24/2018/QH14",
                "note": "Thông qua ngày 12/6/2018; bảo vệ an ninh quốc gia trên không gian mạng.",
            },
        ],
        "case_question": {
            "prompt": (
                "Chọn một vụ việc vi phạm trên không gian mạng hoặc trong viễn thông mà Sở đã xử "
                "lý, như tin sai sự thật, tin nhắn lừa đảo, sim kích hoạt sẵn. Nêu căn cứ pháp lý "
                "đã áp dụng, chỗ vướng về thẩm quyền hoặc chứng cứ, và đề xuất sửa quy trình phối "
                "hợp với Công an tỉnh."
            ),
            "tags": ["an-toan-mang", "vien-thong"],
        },
        "lessons": [],
    },
    {
        "number": 3,
        "part": 1,
        "title": "Thông tin và truyền thông với kinh tế, xã hội",
        "slug": "chuyen-de-3",
        "theory_periods": 5,
        "discussion_periods": 5,
        "summary": (
            "Thông tin và truyền thông vừa là một ngành kinh tế, vừa là hạ tầng của các ngành "
            "khác; đo kinh tế số, xã hội số ở cấp tỉnh và dùng thông tin để tạo đồng thuận."
        ),
        "objectives": [
            "Phân tích được vai trò của viễn thông, bưu chính, công nghệ thông tin với tăng "
            "trưởng.",
            "Nắm được các chỉ tiêu kinh tế số, xã hội số và nguồn số liệu theo dõi ở cấp tỉnh.",
            "Đề xuất được giải pháp thông tin và truyền thông cho một vấn đề kinh tế - xã hội.",
        ],
        "body": [
            "Mạng băng rộng, dịch vụ bưu chính và thanh toán điện tử quyết định khả năng tham gia "
            "thương mại điện tử của doanh nghiệp nhỏ và hộ sản xuất. Chuyên đề giới thiệu cách "
            "chia kinh tế số thành kinh tế số ICT, kinh tế số nền tảng và kinh tế số ngành, cùng "
            "các mục tiêu về tỷ trọng kinh tế số trong GDP đã được đặt ra.",
            "Về xã hội, Sở cần theo dõi khoảng cách số giữa đô thị với nông thôn, miền núi, kỹ "
            "năng số của người dân, tin giả và lừa đảo trực tuyến. Thông tin tuyên truyền và "
            "thông tin cơ sở là công cụ tạo đồng thuận khi tỉnh triển khai các chính sách lớn.",
            "Thảo luận: xây dựng bộ chỉ tiêu kinh tế số, xã hội số cấp tỉnh từ số liệu sẵn có của "
            "doanh nghiệp viễn thông, bưu chính, cơ quan thuế, thống kê và hệ thống giải quyết "
            "thủ tục hành chính; trình bày số liệu trong báo cáo gửi lãnh đạo tỉnh.",
        ],
        "readings": [
            {
                "title": (
                    "Quyết định số 749/QĐ-TTg phê duyệt Chương trình Chuyển đổi số quốc gia đến "
                    "năm 2025, định hướng đến năm 2030"
                ),
                "note": "Ban hành ngày 03/6/2020; kinh tế số chiếm 20% GDP năm 2025, 30% năm 2030.",
            },
            {
                "title": (
                    "Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công "
                    "nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"
                ),
                "note": "Ban hành ngày 22/12/2024; kinh tế số đạt tối thiểu 30% GDP vào năm 2030.",
            },
        ],
        "case_question": {
            "prompt": (
                "Chọn một sản phẩm chủ lực của tỉnh (nông sản, sản phẩm OCOP, du lịch) và mô tả "
                "chuỗi từ người sản xuất đến người mua: khâu nào đã dùng thương mại điện tử, bưu "
                "chính, thanh toán số, khâu nào chưa. Đề xuất một việc Sở có thể làm cùng doanh "
                "nghiệp bưu chính, viễn thông để rút ngắn chuỗi đó."
            ),
            "tags": ["buu-chinh", "cntt"],
        },
        "lessons": [],
    },
    {
        "number": 4,
        "part": 1,
        "title": "Hợp tác quốc tế về thông tin và truyền thông",
        "slug": "chuyen-de-4",
        "theory_periods": 5,
        "discussion_periods": 5,
        "summary": (
            "Các tổ chức quốc tế mà Việt Nam tham gia, các vấn đề xuyên biên giới tác động đến "
            "quản lý ở địa phương và cách tỉnh thu hút, kiểm soát hợp tác với đối tác nước ngoài."
        ),
        "objectives": [
            "Nắm được vai trò của ITU, UPU, APT và các cơ chế hợp tác số của ASEAN.",
            "Phân tích được tác động của dịch vụ xuyên biên giới và chuyển dữ liệu ra nước ngoài.",
            "Vận dụng được quy định về thỏa thuận quốc tế khi đề xuất hợp tác với nước ngoài.",
        ],
        "body": [
            "Việt Nam là thành viên Liên minh Viễn thông Quốc tế (ITU), Liên minh Bưu chính Thế "
            "giới (UPU), Tổ chức Viễn thông châu Á - Thái Bình Dương (APT) và tham gia hợp tác số "
            "trong ASEAN, APEC. Các tổ chức này đưa ra khuyến nghị kỹ thuật, điều phối tần số, "
            "quỹ đạo vệ tinh và chuẩn mực bưu chính quốc tế, chi phối quy định trong nước.",
            "Địa phương gặp vấn đề xuyên biên giới hằng ngày: nền tảng nước ngoài cung cấp dịch "
            "vụ vào Việt Nam, nội dung vi phạm trên mạng xã hội, chuyển dữ liệu cá nhân ra nước "
            "ngoài, thương mại điện tử và hàng gửi qua biên giới. Học viên cũng được giới thiệu "
            "cách tiếp cận chương trình hỗ trợ kỹ thuật của các đối tác phát triển.",
            "Thảo luận về hợp tác cấp tỉnh: ký kết thỏa thuận quốc tế theo thẩm quyền; thu hút "
            "đầu tư vào trung tâm dữ liệu, khu công nghệ số tập trung; kiểm soát rủi ro an toàn "
            "thông tin và dữ liệu khi dùng giải pháp hoặc tài trợ của nước ngoài.",
        ],
        "readings": [
            {
                "title": "Luật Viễn thông số 24/2023/QH15",
                "note": "Thông qua ngày 24/11/2023; quy định dịch vụ viễn thông qua biên giới.",
            },
            {
                "title": "Nghị định số 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân",
                "note": (
                    "Ban hành ngày 17/4/2023; có quy định chuyển dữ liệu cá nhân ra nước ngoài; từ "
                    "01/01/2026 đọc cùng Luật Bảo vệ dữ liệu cá nhân năm 2025."
                ),
            },
        ],
        "case_question": {
            "prompt": (
                "Tỉnh anh/chị có hoặc đang bàn một thỏa thuận hợp tác với đối tác nước ngoài về "
                "thông tin và truyền thông (tài trợ kỹ thuật, trung tâm dữ liệu, doanh nghiệp công "
                "nghệ)? Nêu lợi ích mong đợi, rủi ro về dữ liệu và an toàn thông tin, và điều kiện "
                "Sở cần đặt ra trước khi ký."
            ),
            "tags": ["cong-nghiep-ict", "an-toan-mang"],
        },
        "lessons": [],
    },
    {
        "number": 5,
        "part": 2,
        "title": "Tổng quan về công nghệ thông tin",
        "slug": "chuyen-de-5",
        "theory_periods": 6,
        "discussion_periods": 6,
        "summary": (
            "Những công nghệ nền tảng người ra quyết định cần hiểu: hạ tầng số, điện toán đám mây, "
            "dữ liệu, nền tảng số, trí tuệ nhân tạo; hạn chế và chi phí vòng đời của chúng."
        ),
        "objectives": [
            "Nắm được các thành phần của hạ tầng số và nền tảng số dùng chung.",
            "So sánh được tự đầu tư, thuê dịch vụ và dùng nền tảng chung theo chi phí vòng đời.",
            "Đánh giá được mức sẵn sàng của công nghệ mới trước khi đề xuất áp dụng ở địa phương.",
        ],
        "body": [
            "Chuyên đề hệ thống hóa công nghệ thông tin ở mức người ra quyết định cần có: kiến "
            "trúc hệ thống thông tin (hạ tầng, dữ liệu, ứng dụng, người dùng); hạ tầng số gồm "
            "mạng băng rộng, trung tâm dữ liệu, điện toán đám mây; nền tảng số dùng chung; dữ "
            "liệu mở, dữ liệu chủ, cơ sở dữ liệu quốc gia và chuyên ngành.",
            "Các công nghệ đang vào khu vực công như trí tuệ nhân tạo, mô hình ngôn ngữ lớn, "
            "Internet vạn vật, dữ liệu lớn, chuỗi khối được xem xét qua ba câu hỏi: giải quyết "
            "bài toán quản lý nào, cần dữ liệu và nhân lực gì, rủi ro gì về an toàn thông tin và "
            "dữ liệu cá nhân. Mục tiêu là tránh đầu tư theo phong trào.",
            "Thảo luận dựa trên hiện trạng các tỉnh trong lớp: trung tâm dữ liệu tự xây hay thuê, "
            "tỷ lệ hệ thống đã lên điện toán đám mây, năng lực của đơn vị sự nghiệp thuộc Sở.",
        ],
        "readings": [
            {
                "title": "Luật Công nghệ thông tin số 67/2006/QH11",
                "note": "Thông qua ngày 29/6/2006; khung pháp lý gốc về công nghệ thông tin.",
            },
            {
                "title": "Luật Dữ liệu số 60/2024/QH15",
                "note": "Thông qua ngày 30/11/2024, hiệu lực từ 01/7/2025; quản trị dữ liệu số.",
            },
        ],
        "case_question": {
            "prompt": (
                "Hạ tầng số của tỉnh đang theo mô hình nào: trung tâm dữ liệu riêng, thuê điện "
                "toán đám mây hay kết hợp? Nêu một hệ thống đang lãng phí hoặc có rủi ro, đề xuất "
                "phương án thay thế và so sánh chi phí 5 năm của hai phương án."
            ),
            "tags": ["cntt"],
        },
        "lessons": [],
    },
    {
        "number": 6,
        "part": 2,
        "title": (
            "Luật, văn bản quy phạm pháp luật, chính sách và các tiêu chuẩn, quy chuẩn kỹ thuật về "
            "công nghệ thông tin"
        ),
        "slug": "chuyen-de-6",
        "theory_periods": 5,
        "discussion_periods": 5,
        "summary": (
            "Luật, nghị định, chính sách và tiêu chuẩn, quy chuẩn kỹ thuật về công nghệ thông tin; "
            "tham mưu văn bản cấp tỉnh và đưa yêu cầu kỹ thuật vào hồ sơ đầu tư, nghiệm thu."
        ),
        "objectives": [
            "Nắm được hệ thống văn bản về công nghệ thông tin, từ luật, nghị định đến thông tư.",
            "Phân biệt được tiêu chuẩn với quy chuẩn kỹ thuật và yêu cầu bắt buộc khi đầu tư.",
            "Tham mưu được quy chế chia sẻ dữ liệu cấp tỉnh theo đúng quy trình xây dựng văn bản.",
        ],
        "body": [
            "Khung pháp lý ba tầng: luật (Công nghệ thông tin, Giao dịch điện tử, Dữ liệu, Công "
            "nghiệp công nghệ số, Chuyển đổi số); nghị định về đầu tư công nghệ thông tin, an "
            "toàn hệ thống thông tin theo cấp độ, dữ liệu cá nhân, định danh điện tử; thông tư, "
            "hướng dẫn kỹ thuật. Định hướng chính sách: nghị quyết của Đảng, chiến lược của Chính "
            "phủ.",
            "Tiêu chuẩn được áp dụng tự nguyện trừ khi được viện dẫn bắt buộc, còn quy chuẩn kỹ "
            "thuật là bắt buộc. Yêu cầu về kiến trúc, kết nối, định dạng dữ liệu và an toàn thông "
            "tin phải có trong hồ sơ thiết kế và điều kiện nghiệm thu; nếu không, tỉnh sẽ có "
            "những hệ thống không kết nối được với nhau và với nền tảng quốc gia.",
            "Thảo luận về vai trò tham mưu: rà soát văn bản cấp tỉnh khi luật mới có hiệu lực, "
            "ban hành quy chế vận hành nền tảng dùng chung và chia sẻ dữ liệu, cập nhật kiến trúc "
            "chính quyền số của tỉnh.",
        ],
        "readings": [
            {
                "title": "Luật Công nghệ thông tin số 67/2006/QH11",
                "note": (
                    "Thông qua ngày 29/6/2006; ứng dụng công nghệ thông tin ở cơ quan nhà nước."
                ),
            },
            {
                "title": (
                    "Nghị định số 73/2019/NĐ-CP quy định quản lý đầu tư ứng dụng công nghệ thông "
                    "tin sử dụng nguồn vốn ngân sách nhà nước"
                ),
                "note": "Ban hành ngày 05/9/2019; cần kiểm tra văn bản sửa đổi, bổ sung.",
            },
        ],
        "case_question": {
            "prompt": (
                "Chọn một văn bản cấp tỉnh về công nghệ thông tin mà Sở đã tham mưu, như quy chế "
                "nền tảng dùng chung, quy chế chia sẻ dữ liệu hay quy định về thư điện tử công vụ. "
                "Rà soát theo các luật mới có hiệu lực từ năm 2024, chỉ ra điều khoản cần sửa và "
                "đề xuất nội dung sửa."
            ),
            "tags": ["cntt"],
        },
        "lessons": [],
    },
    {
        "number": 7,
        "part": 2,
        "title": "Ứng dụng công nghệ thông tin",
        "slug": "chuyen-de-7",
        "theory_periods": 5,
        "discussion_periods": 5,
        "summary": (
            "Ứng dụng công nghệ thông tin ở cơ quan nhà nước cấp tỉnh: văn bản điện tử, thủ tục "
            "hành chính, dịch vụ công trực tuyến, dữ liệu dân cư; đo hiệu quả bằng mức sử dụng."
        ),
        "objectives": [
            "Nắm được các nhóm ứng dụng ở cấp tỉnh và cách chúng kết nối với nền tảng quốc gia.",
            "Phân tích được vì sao tỷ lệ hồ sơ trực tuyến thấp dù dịch vụ đã được cung cấp.",
            "Vận dụng được dữ liệu dân cư, định danh điện tử để cắt giảm giấy tờ cho người dân.",
        ],
        "body": [
            "Các lớp ứng dụng ở cấp tỉnh: quản lý văn bản và điều hành, chữ ký số, hệ thống thông "
            "tin giải quyết thủ tục hành chính kết nối Cổng Dịch vụ công quốc gia, hệ thống báo "
            "cáo, họp trực tuyến; nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP) kết nối với "
            "nền tảng quốc gia (NDXP).",
            "Trọng tâm là chuyển từ “có ứng dụng” sang “được dùng thật”: đo tỷ lệ hồ sơ trực "
            "tuyến toàn trình, tỷ lệ số hóa và tái sử dụng kết quả số hóa, thời gian giải quyết "
            "thực tế. Nguyên nhân thường gặp: quy trình chưa tái cấu trúc, vẫn đòi giấy tờ đã có, "
            "giao diện khó dùng, chưa kết nối cơ sở dữ liệu chuyên ngành.",
            "Thảo luận gắn với Đề án 06: khai thác Cơ sở dữ liệu quốc gia về dân cư và định danh "
            "điện tử, làm sạch dữ liệu chuyên ngành theo yêu cầu “đúng, đủ, sạch, sống”, phân "
            "công giữa Sở, Công an tỉnh và Trung tâm phục vụ hành chính công.",
        ],
        "readings": [
            {
                "title": (
                    "Quyết định số 942/QĐ-TTg phê duyệt Chiến lược phát triển Chính phủ điện tử "
                    "hướng tới Chính phủ số giai đoạn 2021–2025, định hướng đến năm 2030"
                ),
                "note": "Ban hành ngày 15/6/2021; người dân là trung tâm, dùng chung nền tảng.",
            },
            {
                "title": (
                    "Quyết định số 06/QĐ-TTg phê duyệt Đề án phát triển ứng dụng dữ liệu về dân "
                    "cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn "
                    "2022–2025, tầm nhìn đến năm 2030"
                ),
                "note": "Ban hành ngày 06/01/2022 (Đề án 06); dùng dữ liệu dân cư trong thủ tục.",
            },
        ],
        "case_question": {
            "prompt": (
                "Chọn một thủ tục hành chính có nhiều hồ sơ nhưng ít nộp trực tuyến, ví dụ đăng ký "
                "hộ kinh doanh hay cấp giấy phép xây dựng. Mô tả quy trình hiện tại, chỉ ra bước "
                "buộc người dân đến trực tiếp hoặc nộp lại giấy tờ, và đề xuất cách dùng dữ liệu "
                "sẵn có để bỏ bước đó."
            ),
            "tags": ["cntt"],
        },
        "lessons": [],
    },
    {
        "number": 8,
        "part": 2,
        "title": "Công nghiệp công nghệ thông tin",
        "slug": "chuyen-de-8",
        "theory_periods": 5,
        "discussion_periods": 5,
        "summary": (
            "Công nghiệp công nghệ thông tin, nay là công nghiệp công nghệ số: cấu trúc ngành, "
            "chính sách ưu đãi, khu công nghệ số tập trung và vai trò của tỉnh."
        ),
        "objectives": [
            "Nắm được cấu trúc ngành công nghiệp công nghệ số, từ phần cứng, phần mềm đến bán "
            "dẫn, trí tuệ nhân tạo.",
            "Phân tích được chính sách ưu đãi theo Luật Công nghiệp công nghệ số.",
            "Đề xuất được giải pháp phát triển doanh nghiệp công nghệ số theo lợi thế của tỉnh.",
        ],
        "body": [
            "Luật Công nghiệp công nghệ số coi công nghiệp công nghệ số là bước tiếp theo của "
            "công nghiệp công nghệ thông tin (phần cứng, điện tử, phần mềm, nội dung số), bổ sung "
            "bán dẫn, trí tuệ nhân tạo, tài sản số. Doanh thu ngành tập trung ở phần cứng, điện "
            "tử của khu vực vốn nước ngoài; phần lớn doanh nghiệp công nghệ số đặt tại vài đô thị "
            "lớn.",
            "Công cụ chính sách gồm ưu đãi thuế, đất đai cho dự án công nghệ số, khu công nghệ số "
            "tập trung, hỗ trợ sản phẩm do doanh nghiệp Việt Nam làm chủ, ưu tiên mua sắm sản "
            "phẩm trong nước và thử nghiệm có kiểm soát. Nhà nước là khách hàng lớn, nên cách "
            "tỉnh đặt bài toán và mua sắm tác động trực tiếp đến thị trường địa phương.",
            "Thảo luận giúp mỗi tỉnh xác định lợi thế riêng (trường đại học, khu công nghiệp điện "
            "tử, lao động trẻ, vị trí gần trung tâm lớn) để chọn chính sách phù hợp thay vì sao "
            "chép mô hình của Hà Nội, Thành phố Hồ Chí Minh hay Đà Nẵng.",
        ],
        "readings": [
            {
                "title": "Luật Công nghiệp công nghệ số số 71/2025/QH15",
                "note": (
                    "Thông qua ngày 14/6/2025, hiệu lực từ 01/01/2026; quy định về công nghiệp "
                    "công nghệ số, bán dẫn, trí tuệ nhân tạo, tài sản số."
                ),
            },
            {
                "title": (
                    "Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công "
                    "nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"
                ),
                "note": "Ban hành ngày 22/12/2024; phát triển doanh nghiệp công nghệ số.",
            },
        ],
        "case_question": {
            "prompt": (
                "Mô tả hiện trạng doanh nghiệp công nghệ số trên địa bàn (số lượng, lĩnh vực, quy "
                "mô lao động) và một rào cản cụ thể khiến họ khó tham gia dự án công nghệ thông "
                "tin của chính tỉnh. Đề xuất một cơ chế đặt hàng hoặc hỗ trợ mà Sở có thể tham mưu "
                "trong thẩm quyền của tỉnh."
            ),
            "tags": ["cong-nghiep-ict"],
        },
        "lessons": [],
    },
    {
        "number": 9,
        "part": 2,
        "title": "Chuyển đổi số",
        "slug": "chuyen-de-9",
        "theory_periods": 6,
        "discussion_periods": 6,
        "summary": (
            "Chuyển đổi số trên ba trụ cột chính quyền số, kinh tế số, xã hội số; cách người đứng "
            "đầu tổ chức, đo lường và duy trì chuyển đổi số ở cấp tỉnh và cấp xã."
        ),
        "objectives": [
            "Nắm được mục tiêu của Chương trình Chuyển đổi số quốc gia và Nghị quyết số 57-NQ/TW.",
            "Phân biệt được tin học hóa với chuyển đổi số và vai trò của người đứng đầu.",
            "Xây dựng được kế hoạch chuyển đổi số hằng năm với mục tiêu đo được và phân công rõ.",
            "Vận dụng được mô hình tổ công nghệ số cộng đồng để đưa dịch vụ số đến người dân.",
        ],
        "body": [
            "Chuyển đổi số khác tin học hóa ở chỗ quy trình và mô hình hoạt động được thiết kế "
            "lại quanh dữ liệu. Chương trình Chuyển đổi số quốc gia xác định ba trụ cột chính phủ "
            "số, kinh tế số, xã hội số và coi nhận thức là yếu tố quyết định; Nghị quyết số "
            "57-NQ/TW coi chuyển đổi số là đột phá quan trọng hàng đầu, do người đứng đầu trực "
            "tiếp chịu trách nhiệm.",
            "Ở cấp tỉnh, chuyển đổi số được tổ chức qua ban chỉ đạo, kế hoạch hằng năm và trung "
            "hạn, kiến trúc chính quyền số, nền tảng và dữ liệu dùng chung, bộ chỉ số đánh giá "
            "mức độ chuyển đổi số (DTI) và tổ công nghệ số cộng đồng ở cấp xã. Luật Chuyển đổi số "
            "năm 2025 đưa các nội dung điều phối và bảo đảm chuyển đổi số lên tầm luật.",
            "Thảo luận dùng số liệu DTI và kế hoạch của các tỉnh trong lớp: chỉ tiêu nào chạy "
            "theo số lượng, chỉ tiêu nào phản ánh thay đổi thật; ngân sách bố trí ra sao; việc "
            "nào dùng được nền tảng sẵn có thay vì xây mới.",
        ],
        "readings": [
            {
                "title": (
                    "Quyết định số 749/QĐ-TTg phê duyệt Chương trình Chuyển đổi số quốc gia đến "
                    "năm 2025, định hướng đến năm 2030"
                ),
                "note": "Ban hành ngày 03/6/2020; tầm nhìn, mục tiêu kép và các lĩnh vực ưu tiên.",
            },
            {
                "title": (
                    "Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công "
                    "nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"
                ),
                "note": "Ban hành ngày 22/12/2024; trách nhiệm trực tiếp của người đứng đầu.",
            },
            {
                "title": "Luật Dữ liệu số 60/2024/QH15",
                "note": "Thông qua ngày 30/11/2024; cơ sở pháp lý để chia sẻ, khai thác dữ liệu.",
            },
        ],
        "case_question": {
            "prompt": (
                "Nêu một chỉ tiêu chuyển đổi số của tỉnh đã đạt trên báo cáo nhưng người dân hoặc "
                "doanh nghiệp chưa cảm nhận được thay đổi. Phân tích nguyên nhân và đề xuất cách "
                "đo lại chỉ tiêu đó theo kết quả sử dụng thay vì số lượng đầu tư."
            ),
            "tags": ["cntt", "thong-tin-tuyen-truyen"],
        },
        "lessons": [
            {
                "title": "Kế hoạch chuyển đổi số cấp tỉnh: từ mục tiêu đến chỉ số đo lường",
                "slug": "ke-hoach-chuyen-doi-so-cap-tinh",
                "summary": (
                    "Lập kế hoạch chuyển đổi số hằng năm có mục tiêu đo được, gắn với ngân sách và "
                    "có người chịu trách nhiệm cho từng kết quả."
                ),
                "body": [
                    "Một kế hoạch làm được thường có năm phần: hiện trạng bằng số liệu; ít mục "
                    "tiêu ưu tiên trong năm; nhiệm vụ gắn với cơ quan chủ trì và thời hạn; nguồn "
                    "lực, tách kinh phí đầu tư với kinh phí thuê dịch vụ, vận hành; cơ chế theo "
                    "dõi, báo cáo. Kế hoạch dàn trải hàng trăm nhiệm vụ thì khó quy trách nhiệm.",
                    "Chỉ số nên đo kết quả sử dụng: không dừng ở số dịch vụ công trực tuyến mà đo "
                    "tỷ lệ hồ sơ nộp trực tuyến toàn trình; không dừng ở số hệ thống được đầu tư "
                    "mà đo số cơ sở dữ liệu được chia sẻ, tái sử dụng. Khi nhiệm vụ chậm, cần xác "
                    "định vướng ở thể chế, dữ liệu, kinh phí hay con người.",
                ],
            },
            {
                "title": "Dữ liệu là trung tâm: tổ chức dữ liệu dùng chung của tỉnh",
                "slug": "du-lieu-dung-chung-cap-tinh",
                "summary": (
                    "Lập danh mục dữ liệu, kho dữ liệu dùng chung và cơ chế chia sẻ để người dân "
                    "chỉ cung cấp thông tin một lần."
                ),
                "body": [
                    "Luật Dữ liệu năm 2024 là cơ sở để tỉnh tổ chức lại dữ liệu: dữ liệu nào "
                    "thuộc cơ sở dữ liệu quốc gia, dữ liệu nào thuộc cơ sở dữ liệu chuyên ngành "
                    "của tỉnh, dữ liệu nào được mở. Bước đầu là lập danh mục dữ liệu dùng chung, "
                    "giao cơ quan chịu trách nhiệm cập nhật từng loại và thống nhất cách kết nối "
                    "qua nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh.",
                    "Dữ liệu chỉ có giá trị khi “đúng, đủ, sạch, sống”, nên quy chế chia sẻ phải "
                    "quy định trách nhiệm làm sạch, thời hạn cập nhật, quyền khai thác và biện "
                    "pháp bảo vệ dữ liệu cá nhân. Thước đo thực tế là người dân không phải cung "
                    "cấp lại thông tin cơ quan nhà nước đã có.",
                ],
            },
        ],
    },
    {
        "number": 10,
        "part": 2,
        "title": "Đô thị thông minh",
        "slug": "chuyen-de-10",
        "theory_periods": 6,
        "discussion_periods": 6,
        "summary": (
            "Đô thị thông minh bắt đầu từ bài toán cụ thể của đô thị: hạ tầng dùng chung, dữ liệu "
            "đô thị, trung tâm giám sát, điều hành thông minh và bảo vệ dữ liệu cá nhân."
        ),
        "objectives": [
            "Nắm được mục tiêu và lộ trình của Đề án phát triển đô thị thông minh bền vững.",
            "Phân tích được mô hình trung tâm giám sát, điều hành thông minh và chi phí duy trì.",
            "Lựa chọn được dịch vụ đô thị thông minh ưu tiên từ vấn đề thực tế của tỉnh.",
        ],
        "body": [
            "Đô thị thông minh là cách quản lý đô thị dựa trên dữ liệu, không phải một dự án công "
            "nghệ riêng lẻ. Đề án phát triển đô thị thông minh bền vững yêu cầu gắn với quy hoạch "
            "đô thị, phát triển hạ tầng ICT dùng chung, cơ sở dữ liệu không gian đô thị và tiện "
            "ích thông minh trong giao thông, môi trường, y tế, giáo dục, an ninh trật tự.",
            "Trung tâm giám sát, điều hành thông minh (IOC) của nhiều tỉnh theo dõi chỉ số kinh "
            "tế - xã hội, tiếp nhận phản ánh hiện trường, giám sát giao thông, môi trường qua "
            "camera và cảm biến. Trung tâm chỉ hiệu quả khi các sở, ngành cập nhật dữ liệu thường "
            "xuyên, phản ánh được xử lý có thời hạn, có nhân lực trực và kinh phí duy trì.",
            "Thảo luận các vấn đề quản lý: bảo vệ dữ liệu cá nhân trong hệ thống camera và dữ "
            "liệu định vị; dùng chung cột, cống bể và hạ tầng viễn thông thụ động; phối hợp với "
            "doanh nghiệp viễn thông và chủ đầu tư khu đô thị mới; đo hiệu quả bằng thời gian xử "
            "lý phản ánh hay mức giảm ùn tắc.",
        ],
        "readings": [
            {
                "title": (
                    "Quyết định số 950/QĐ-TTg phê duyệt Đề án phát triển đô thị thông minh bền "
                    "vững Việt Nam giai đoạn 2018–2025 và định hướng đến năm 2030"
                ),
                "note": "Ban hành ngày 01/8/2018; quan điểm, mục tiêu, lộ trình và nhiệm vụ.",
            },
            {
                "title": "Nghị định số 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân",
                "note": "Ban hành ngày 17/4/2023; xử lý hình ảnh, dữ liệu định vị của người dân.",
            },
            {
                "title": "Luật Viễn thông số 24/2023/QH15",
                "note": "Thông qua ngày 24/11/2023; công trình viễn thông, dùng chung hạ tầng.",
            },
        ],
        "case_question": {
            "prompt": (
                "Chọn một vấn đề cụ thể của một đô thị trong tỉnh: ùn tắc tại một nút giao, ngập "
                "khi mưa lớn, thu gom rác hay an ninh khu dân cư. Mô tả dữ liệu hiện có và cơ quan "
                "đang nắm dữ liệu đó, rồi thiết kế một dịch vụ đô thị thông minh tối thiểu triển "
                "khai được trong 12 tháng."
            ),
            "tags": ["cntt", "vien-thong"],
        },
        "lessons": [],
    },
    {
        "number": 11,
        "part": 2,
        "title": "Khái quát về cách mạng công nghiệp lần thứ tư",
        "slug": "chuyen-de-11",
        "theory_periods": 5,
        "discussion_periods": 5,
        "summary": (
            "Đặc trưng, công nghệ cốt lõi và tác động của Cách mạng công nghiệp lần thứ tư; chủ "
            "trương của Đảng về chủ động tham gia và những lựa chọn chính sách cho địa phương."
        ),
        "objectives": [
            "Nắm được đặc trưng và công nghệ cốt lõi của Cách mạng công nghiệp lần thứ tư.",
            "Phân tích được cơ hội, thách thức với lao động, doanh nghiệp và quản trị công.",
            "Vận dụng được các Nghị quyết số 52-NQ/TW, 57-NQ/TW vào đề xuất chính sách cấp tỉnh.",
        ],
        "body": [
            "Cách mạng công nghiệp lần thứ tư là sự hội tụ giữa thế giới vật lý, thế giới số và "
            "sinh học, dựa trên kết nối, dữ liệu và trí tuệ nhân tạo. Công nghệ cốt lõi gồm trí "
            "tuệ nhân tạo, Internet vạn vật, dữ liệu lớn, điện toán đám mây, chuỗi khối, bán dẫn; "
            "tác động nhanh, đồng thời lên mọi ngành, kể cả cách nhà nước quản lý.",
            "Nghị quyết số 52-NQ/TW đặt chủ trương chủ động tham gia, tập trung hoàn thiện thể "
            "chế, phát triển hạ tầng, nhân lực và đổi mới sáng tạo; Nghị quyết số 57-NQ/TW bổ "
            "sung cơ chế, nguồn lực đột phá. Tác động cần phân tích: tự động hóa thay một phần "
            "lao động giản đơn; mô hình nền tảng đặt yêu cầu mới về thuế, lao động, cạnh tranh; "
            "công nghệ mới cần thử nghiệm có kiểm soát.",
            "Thảo luận giúp học viên chuyển chủ trương thành lựa chọn của tỉnh: lĩnh vực nào nên "
            "đi trước (nông nghiệp, du lịch, công nghiệp chế biến), chuẩn bị nhân lực ra sao, Sở "
            "cần đổi cách quản lý nào để không cản trở mô hình mới.",
        ],
        "readings": [
            {
                "title": (
                    "Nghị quyết số 52-NQ/TW của Bộ Chính trị về một số chủ trương, chính sách chủ "
                    "động tham gia cuộc Cách mạng công nghiệp lần thứ tư"
                ),
                "note": "Ban hành ngày 27/9/2019; quan điểm, mục tiêu và nhiệm vụ chủ yếu.",
            },
            {
                "title": (
                    "Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công "
                    "nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"
                ),
                "note": "Ban hành ngày 22/12/2024; cơ chế đột phá cho giai đoạn mới.",
            },
        ],
        "case_question": {
            "prompt": (
                "Chọn một ngành nhiều lao động của tỉnh và đánh giá công nghệ nào có thể làm thay "
                "đổi ngành đó trong 5 năm tới. Đề xuất một việc Sở cần làm ngay về hạ tầng, dữ "
                "liệu, đào tạo hoặc cơ chế thử nghiệm để địa phương hưởng lợi thay vì bị động."
            ),
            "tags": ["cong-nghiep-ict", "cntt"],
        },
        "lessons": [],
    },
    {
        "number": 12,
        "part": 2,
        "title": "Quản lý nhà nước về công nghệ thông tin",
        "slug": "chuyen-de-12",
        "theory_periods": 6,
        "discussion_periods": 6,
        "summary": (
            "Công cụ quản lý nhà nước về công nghệ thông tin ở cấp tỉnh: kế hoạch, quản lý đầu tư "
            "và thuê dịch vụ, an toàn hệ thống thông tin theo cấp độ, dữ liệu, kiểm tra, báo cáo."
        ),
        "objectives": [
            "Nắm được nội dung quản lý nhà nước và phân công giữa Sở với các sở, ngành.",
            "Vận dụng được quy định về đầu tư ứng dụng công nghệ thông tin, kể cả thuê dịch vụ.",
            "Tổ chức được việc xác định cấp độ, bảo đảm an toàn cho hệ thống thông tin của tỉnh.",
            "Thiết lập được cơ chế giám sát việc vận hành, khai thác hệ thống sau đầu tư.",
        ],
        "body": [
            "Nội dung quản lý ở cấp tỉnh: kế hoạch ứng dụng công nghệ thông tin, chuyển đổi số; "
            "quản lý đầu tư và thuê dịch vụ; hạ tầng số, nền tảng, dữ liệu dùng chung; an toàn "
            "thông tin; kiểm tra tuân thủ kiến trúc, tiêu chuẩn; thống kê, báo cáo. Sở là đầu mối "
            "nhưng không làm thay: các sở, ngành vẫn là chủ quản hệ thống chuyên ngành của mình.",
            "Hai điểm khó nhất là đầu tư và an toàn thông tin. Với đầu tư, Sở giúp tỉnh chọn giữa "
            "đầu tư và thuê dịch vụ, xác định chi phí hợp lý, thẩm định thiết kế và nghiệm thu "
            "theo kết quả sử dụng. Với an toàn thông tin, nhiều hệ thống đã vận hành nhưng chưa "
            "được phê duyệt cấp độ hoặc chưa triển khai đủ phương án bảo vệ tương ứng.",
            "Thảo luận dùng danh mục hệ thống thông tin của các tỉnh trong lớp: hệ thống nào "
            "trùng chức năng, hệ thống nào chưa rõ chủ quản, hệ thống nào hết bảo hành mà chưa có "
            "kinh phí vận hành; từ đó đề xuất cách sắp xếp lại.",
        ],
        "readings": [
            {
                "title": (
                    "Nghị định số 73/2019/NĐ-CP quy định quản lý đầu tư ứng dụng công nghệ thông "
                    "tin sử dụng nguồn vốn ngân sách nhà nước"
                ),
                "note": "Ban hành ngày 05/9/2019; lập, thẩm định dự án và kế hoạch thuê dịch vụ.",
            },
            {
                "title": (
                    "Nghị định số 85/2016/NĐ-CP về bảo đảm an toàn hệ thống thông tin theo cấp độ"
                ),
                "note": "Ban hành ngày 01/7/2016; phân loại năm cấp độ, trách nhiệm chủ quản.",
            },
            {
                "title": "Luật An toàn thông tin mạng số 86/2015/QH13",
                "note": "Thông qua ngày 19/11/2015; bảo vệ hệ thống thông tin, ứng cứu sự cố.",
            },
        ],
        "case_question": {
            "prompt": (
                "Lập danh mục các hệ thống thông tin đang vận hành ở tỉnh, ghi rõ chủ quản, cấp độ "
                "an toàn đã được phê duyệt hay chưa và kinh phí vận hành hằng năm. Chọn hệ thống "
                "có rủi ro cao nhất và trình bày phương án xử lý trong 6 tháng."
            ),
            "tags": ["cntt", "an-toan-mang"],
        },
        "lessons": [
            {
                "title": "Đầu tư và thuê dịch vụ công nghệ thông tin bằng ngân sách nhà nước",
                "slug": "dau-tu-va-thue-dich-vu-cntt",
                "summary": (
                    "Khi nào nên đầu tư, khi nào nên thuê dịch vụ, và những điều khoản Sở cần kiểm "
                    "soát để tỉnh không phụ thuộc vào một nhà cung cấp."
                ),
                "body": [
                    "Nghị định số 73/2019/NĐ-CP điều chỉnh cả dự án đầu tư và hoạt động thuê dịch "
                    "vụ công nghệ thông tin, phân biệt dịch vụ sẵn có trên thị trường với dịch vụ "
                    "theo yêu cầu riêng. Thuê dịch vụ rút ngắn thời gian triển khai và chuyển chi "
                    "phí đầu tư ban đầu thành chi thường xuyên, nhưng đòi hỏi dự toán ổn định qua "
                    "nhiều năm ngân sách.",
                    "Dù đầu tư hay thuê, hồ sơ cần nêu rõ kết quả đầu ra và chất lượng dịch vụ, "
                    "quyền sở hữu dữ liệu của cơ quan nhà nước, yêu cầu kết nối với nền tảng dùng "
                    "chung, yêu cầu an toàn thông tin theo cấp độ và phương án chuyển đổi khi hết "
                    "hợp đồng. Nghiệm thu nên dựa trên việc hệ thống được dùng thật, không chỉ "
                    "trên danh sách chức năng đã bàn giao.",
                ],
            },
            {
                "title": "Bảo đảm an toàn hệ thống thông tin theo cấp độ ở cấp tỉnh",
                "slug": "an-toan-he-thong-thong-tin-theo-cap-do",
                "summary": (
                    "Quy trình xác định cấp độ, triển khai phương án bảo vệ và mô hình bảo vệ bốn "
                    "lớp cho hệ thống thông tin của tỉnh."
                ),
                "body": [
                    "Theo Nghị định số 85/2016/NĐ-CP, mỗi hệ thống thông tin được xác định một "
                    "trong năm cấp độ theo mức ảnh hưởng khi bị xâm phạm. Chủ quản lập hồ sơ đề "
                    "xuất cấp độ, tổ chức thẩm định, phê duyệt theo thẩm quyền, rồi triển khai "
                    "phương án bảo đảm an toàn tương ứng và kiểm tra, đánh giá định kỳ.",
                    "Các tỉnh áp dụng mô hình bảo vệ bốn lớp: lực lượng tại chỗ; tổ chức chuyên "
                    "nghiệp giám sát, bảo vệ; tổ chức độc lập kiểm tra, đánh giá; kết nối, chia "
                    "sẻ thông tin với hệ thống giám sát quốc gia. Người đứng đầu Sở cần bảo đảm "
                    "có kế hoạch ứng cứu sự cố và diễn tập hằng năm, vì sự cố ở một xã hay một sở "
                    "đều ảnh hưởng đến mạng của cả tỉnh.",
                ],
            },
        ],
    },
    {
        "number": 13,
        "part": 2,
        "title": "Kỹ năng quản lý nhà nước về công nghệ thông tin",
        "slug": "chuyen-de-13",
        "theory_periods": 6,
        "discussion_periods": 6,
        "summary": (
            "Kỹ năng biến chủ trương thành kết quả: đặt bài toán, viết tham mưu, quản lý danh mục "
            "dự án, làm việc với doanh nghiệp, truyền thông chính sách và dẫn dắt thay đổi."
        ),
        "objectives": [
            "Vận dụng được kỹ năng đặt bài toán và viết tham mưu ngắn gọn, có số liệu.",
            "Quản lý được danh mục dự án công nghệ thông tin theo tiến độ, chi phí và rủi ro.",
            "Tổ chức được lựa chọn nhà cung cấp minh bạch, cạnh tranh, đúng pháp luật đấu thầu.",
            "Xây dựng được kế hoạch truyền thông để cán bộ, người dân chấp nhận dịch vụ số mới.",
        ],
        "body": [
            "Kỹ năng đầu tiên là đặt bài toán: mô tả vấn đề bằng dữ liệu, xác định ai được lợi và "
            "đo kết quả bằng chỉ số nào, trước khi bàn đến giải pháp công nghệ. Kỹ năng thứ hai "
            "là tham mưu: một văn bản ngắn cho lãnh đạo tỉnh nêu vấn đề, các phương án, chi phí, "
            "rủi ro và kiến nghị cụ thể.",
            "Quản lý danh mục dự án giúp Sở theo dõi cùng lúc nhiều dự án của nhiều chủ đầu tư, "
            "phát hiện sớm dự án chậm, trùng lặp hoặc thiếu kinh phí vận hành. Làm việc với doanh "
            "nghiệp gồm khảo sát thị trường, đối thoại công khai về yêu cầu và viết yêu cầu theo "
            "kết quả đầu ra để bảo đảm cạnh tranh.",
            "Phần cuối dành cho dẫn dắt thay đổi và truyền thông chính sách: thuyết phục cán bộ "
            "bỏ quy trình quen thuộc; dùng báo chí, thông tin cơ sở và mạng xã hội để người dân "
            "biết và dùng dịch vụ số; chuẩn bị sẵn phương án thông tin khi hệ thống gặp sự cố. "
            "Học viên thực hành trên tình huống do chính các bạn cùng lớp đưa ra.",
        ],
        "readings": [
            {
                "title": (
                    "Nghị định số 73/2019/NĐ-CP quy định quản lý đầu tư ứng dụng công nghệ thông "
                    "tin sử dụng nguồn vốn ngân sách nhà nước"
                ),
                "note": "Ban hành ngày 05/9/2019; khung thủ tục để quản lý danh mục dự án.",
            },
            {
                "title": "Luật Báo chí số 103/2016/QH13",
                "note": "Thông qua ngày 05/4/2016; phát ngôn, cung cấp thông tin cho báo chí.",
            },
        ],
        "case_question": {
            "prompt": (
                "Kể lại một dự án hoặc sáng kiến công nghệ thông tin của Sở không đạt kết quả như "
                "kỳ vọng. Phân tích nguyên nhân theo bốn khâu: đặt bài toán, lựa chọn giải pháp, "
                "tổ chức thực hiện, truyền thông cho người dùng; nêu điều anh/chị sẽ làm khác."
            ),
            "tags": ["cntt", "thong-tin-tuyen-truyen"],
        },
        "lessons": [],
    },
]

FIELD_STUDY = {
    "title": "Đi nghiên cứu thực tế",
    "slug": "nghien-cuu-thuc-te",
    "periods": 8,
    "objectives": [
        "Quan sát một mô hình chuyển đổi số đã vận hành ổn định và đối chiếu với các chuyên đề.",
        "Hỏi người trực tiếp vận hành về điều kiện thành công, chi phí và việc chưa làm được.",
        "Xác định điểm có thể áp dụng cho địa phương mình và điểm không phù hợp.",
    ],
    "place": (
        "Do Nhà trường chọn theo từng khóa: một địa phương có kết quả chuyển đổi số nổi bật (trung "
        "tâm giám sát, điều hành thông minh, trung tâm phục vụ hành chính công), một trung tâm dữ "
        "liệu hoặc doanh nghiệp công nghệ số, một doanh nghiệp bưu chính, viễn thông."
    ),
    "brief": [
        "Trước chuyến đi, mỗi học viên gửi ba câu hỏi xuất phát từ vấn đề của Sở mình; Nhà trường "
        "tổng hợp và gửi trước cho đơn vị tiếp đón. Tại điểm đến, học viên nghe giới thiệu ngắn, "
        "xem hệ thống đang vận hành và dành phần lớn thời gian hỏi đáp với người vận hành.",
        "Sau chuyến đi, học viên thảo luận nhóm và mỗi người viết bản ghi nhận 1–2 trang: điều đã "
        "thấy, điều kiện để mô hình vận hành được, chi phí và nhân lực ước tính, một việc cụ thể "
        "có thể áp dụng ở tỉnh mình. Bản ghi nhận là tư liệu cho báo cáo thu hoạch.",
    ],
}

FINAL_REPORT = {
    "title": "Viết báo cáo thu hoạch cuối khóa",
    "slug": "bao-cao-thu-hoach",
    "periods": 8,
    "objectives": [
        "Vận dụng kiến thức các chuyên đề để phân tích một vấn đề có thật của Sở.",
        "Đề xuất giải pháp khả thi, có lộ trình, nguồn lực và chỉ số đánh giá.",
        "Hoàn thành một văn bản có thể dùng tiếp làm tài liệu tham mưu tại cơ quan.",
    ],
    "assignment_brief": [
        "Đề tài là một vấn đề có thật của Sở hoặc cơ quan học viên đang phụ trách, thuộc một "
        "trong sáu lĩnh vực hoặc gắn với chuyển đổi số của địa phương, đủ hẹp để giải quyết được "
        "trong thẩm quyền của Sở hay Ủy ban nhân dân cấp tỉnh. Ví dụ: sắp xếp lại các hệ thống "
        "thông tin trùng lặp, nâng tỷ lệ hồ sơ trực tuyến của một nhóm thủ tục, quản lý hạ tầng "
        "viễn thông thụ động, bảo đảm an toàn thông tin cho hệ thống cấp xã.",
        "Bố cục: (1) bối cảnh và mô tả vấn đề, có số liệu; (2) căn cứ pháp lý và chủ trương; (3) "
        "phân tích nguyên nhân; (4) các phương án và lý do lựa chọn; (5) kế hoạch thực hiện, "
        "nguồn lực, rủi ro, chỉ số đánh giá; (6) kiến nghị. Có thể dùng tư liệu từ các câu hỏi "
        "tình huống và bản ghi nhận nghiên cứu thực tế.",
        "Độ dài 10–15 trang khổ A4, không kể phụ lục; nộp tệp PDF hoặc DOCX trên hệ thống học tập "
        "trực tuyến, chậm nhất 14 ngày sau buổi học cuối cùng. Báo cáo do học viên tự viết, ghi "
        "rõ nguồn văn bản và số liệu trích dẫn, không đưa thông tin thuộc bí mật nhà nước.",
    ],
    "grading_criteria": [
        "Tính thực tiễn và mức độ cụ thể của vấn đề được chọn: tối đa 2 điểm.",
        "Căn cứ pháp lý, chủ trương được dẫn chiếu đúng và còn hiệu lực: tối đa 2 điểm.",
        "Phân tích nguyên nhân có số liệu, minh chứng: tối đa 2 điểm.",
        "Tính khả thi của giải pháp (lộ trình, nguồn lực, chỉ số đánh giá): tối đa 3 điểm.",
        "Bố cục, văn phong hành chính và trích dẫn nguồn: tối đa 1 điểm.",
        "Chấm theo thang điểm 10, lấy đến một chữ số thập phân; đạt yêu cầu từ 5,0 điểm.",
    ],
    "deadline_days_after_last_session": 14,
}

FIELD_TAGS = {
    "buu-chinh": "Bưu chính",
    "vien-thong": "Viễn thông",
    "cntt": "Công nghệ thông tin",
    "an-toan-mang": "An toàn, an ninh mạng",
    "cong-nghiep-ict": "Công nghiệp ICT",
    "thong-tin-tuyen-truyen": "Thông tin tuyên truyền",
}
