"""Word lists for finding person names in free text without a model (ADR 0013).

Where the lists come from: written for coproduce from general knowledge of the first names
and surnames common in the UK across the generations who write Friends and Family Test
comments (people born from the 1930s to the 2010s), including names common in the UK's
South Asian, African, Caribbean, Irish, Scottish, Welsh and Polish communities. They were
not copied from a data set (there was no network when they were written); the ONS baby-names
tables (Open Government Licence) are the natural source to grow them from.

Pure data: no Django, no I/O.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FIRST_NAMES: frozenset[str] = _words(
    """
    Aaron Abbie Abdul Abena Abigail Abimbola Ada Adaeze Adam Adebayo Adnan Adrian Agnes
    Agnieszka Ahmed Ahmet Aidan Ailsa Aisha Akosua Alan Albert Alex Alexander Alexandra Alfie
    Alfred Ali Alice Alison Alistair Allan Alma Amanda Amara Amelia Amina Amir Amit Amrit Amy
    Andre Andrea Andrew Andrzej Angela Angus Anil Anita Anjali Ann Anna Anne Annette Annie
    Anthony Antonio Archie Arif Arjun Arthur Asha Asif Audrey Ava Ayaan Ayesha Aziz Baljinder
    Baljit Barbara Barry Beatrice Becky Ben Benjamin Bernadette Bernard Bert Beryl Beth Bethan
    Bethany Betty Bilal Billy Brenda Brian Bridget Callum Calum Carl Carlos Carly Caroline
    Catherine Catrin Cerys Charles Charlie Charlotte Chidi Chioma Chloe Chris Christine
    Christopher Chukwuemeka Ciara Claire Clare Colin Connor Courtney Craig Cyril Daniel
    Danielle Darren Dave David Debbie Deborah Deepa Deepak Delroy Denise Dennis Derek Diane
    Divya Dominic Donald Donna Doreen Doris Dorothy Duncan Dylan Edith Edna Edward Efua
    Eileen Eilidh Elaine Eleanor Elizabeth Ella Ellen Ellie Elliot Elsie Emeka Emily Emma
    Enid Eric Erin Ernest Esther Ethan Ethel Euan Eva Evan Evie Ewa Ewan Farah Faisal Fatima
    Femi Ffion Fiona Folake Fraser Freddie Frederick Freya Funmilayo Gail Gareth Gary Gavin
    Gemma Geoffrey George Gerald Geraldine Gillian Giuseppe Gladys Glenys Gordon Graham
    Gurdeep Gurpreet Gwen Hamish Hannah Harjit Harold Harpreet Harriet Harry Harvey Hassan
    Hayley Helen Henry Hilary Hilda Hina Hussain Ian Ibrahim Imani Imran Irene Isaac Isabel
    Isabella Isabelle Isla Jacob Jacqueline Jake Jakub Jamal James Jamie Jane Janet Janice
    Jaspreet Jaswinder Jayden Jean Jeffrey Jennifer Jenny Jeremy Jessica Jill Jim Jimmy Joan
    Joanna Joanne Jodie Joe Joel John Jonathan Jordan Joseph Josephine Joshua Joyce Judith
    Julia Julian Julie Kamaljit Karen Katarzyna Kate Katherine Kathleen Kathryn Katie Katy
    Keisha Keith Kelly Kenneth Kerry Kevin Kezia Khalid Kieran Kiran Kirsty Kirsten Kofi
    Kojo Krzysztof Kuldip Kwabena Kwame Lauren Laura Layla Leah Leanne Lee Len Leo Leonard
    Leroy Lesley Leslie Lewis Liam Lilian Lily Linda Lindsay Lisa Liz Lorraine Louis Louise
    Luca Lucy Lukasz Luke Lynn Lynne Mabel Magdalena Malcolm Mandy Manjit Manpreet Marco
    Marek Margaret Maria Marie Marion Marjorie Marlon Martin Mary Maryam Matilda Matthew
    Maureen Maurice Meera Megan Mehmet Melanie Mhairi Michael Michal Michelle Mick Miguel
    Mike Mohammad Mohammed Molly Monika Morag Muhammad Muriel Mustafa Nadeem Nadia Naomi
    Nasreen Natalie Natasha Nathan Naveed Nazia Neha Neil Nellie Ngozi Nia Niamh Nicholas
    Nicola Nigel Nikki Nisha Noah Noor Nora Oliver Olivia Omar Orla Oscar Owen Pamela
    Paramjit Parveen Patricia Patrick Paul Pauline Pawel Pedro Peggy Peter Philip Phoebe
    Phyllis Piotr Pooja Priya Rachel Rajesh Rajinder Ranjit Rashid Ravi Raymond Rebecca Reece
    Reena Reginald Rehan Rekha Rhiannon Rhys Richard Riley Robert Roger Rohan Ronald Ross Roy
    Rukhsana Ryan Sajid Samantha Samuel Sanjay Sarah Saima Scott Sean Seema Segun Shabana
    Shahid Shanice Shannon Sharon Shaun Shazia Sheila Shelley Shona Sian Sidney Simon Simran
    Siobhan Sophia Sophie Stacey Stephen Steve Steven Stuart Sukhdev Sukhvinder Sunil Sunita
    Susan Suzanne Sylvia Tanisha Tariq Teresa Terence Theo Thomas Timothy Tina Toby Tomasz
    Tom Tommy Tony Tracey Tracy Trevor Tunde Tyler Usha Valerie Vera Vijay Vikram Vicky
    Vincent Walter Waqar Wayne Wendy William Winifred Winston Yetunde Yusuf Yvonne Zachary
    Zainab Zain Zara Zoe Kyle Kai Caleb Logan Jack Jacky Jackie Josh Ted Fred Alf Stan Les
    Ron Ken Sid Reg Terry Lenny Alfred Dorothy Gwendolyn Abdullah Hamza Idris Ismail Yasmin
    Yasmeen Sana Sadia Samina Tahir Zubair Jasmine Alisha Aaliyah Ayan Amaan Harun Saleem
    Salma Nusrat Rubina Shirin Leila Malik Kareem Karim Sami Rania Dalia Hana Ines Sofia
    Ana Nuno Joao Rui Darius Vytautas Ionut Andrei Mihai Elena Irina Olga Svetlana Natalia
    Oksana Yuri Dmitri Sergei Bogdan Dorota Beata Grazyna Zofia Maja Wiktoria Mateusz
    Szymon Kacper Marcin Tadeusz Zbigniew Wojciech Grzegorz Francesca Giulia Chiara Matteo
    Lorenzo Alessandro Rosa Lucia Carmen Pilar Javier Manuel Juan Jorge Luis Fernando
    Declan Eamon Eoin Niall Padraig Seamus Aoife Roisin Sinead Grainne Mairead Caoimhe
    Dafydd Emyr Gethin Gwyn Huw Iwan Ieuan Llinos Nia Rhodri Elin Angharad Eira Morgan
    Moira Elspeth Fergus Iain Lachlan Murdo Kenny Craig Graeme Alasdair Kirstie Jolene
    Gladstone Errol Desmond Clive Lloyd Neville Everton Dwayne Jerome Tremaine Kemar
    Marcia Beverly Claudette Hyacinth Yolanda Paulette Sonia Jacinta Kwesi Nana Ama Adwoa
    Kojo Yaa Esi Amaka Nkechi Obinna Ifeanyi Uche Chinedu Tobi Tolu Dami Seun Bukola Wale
    Rotimi Olu Sola Ayo Kemi Titi Bisi Lola Musa Aminata Fatou Mariama Abdi Hodan Hawa
    Fartun Ahmad Halima Khadija Asma Bushra Humaira Lubna Mehwish Rabia Sumaira Tasneem
    Uzma Ghazala Kulwinder Sukhjinder Jagdeep Navdeep Mandeep Hardeep Sandeep Rajdeep
    Pradeep Suresh Ramesh Mahesh Dinesh Naresh Ashok Mukesh Hitesh Nilesh Paresh Jayesh
    Hemant Prakash Bharat Kishore Krishna Lakshmi Parvati Radha Savita Kavita Smita Hema
    Bhavna Jyoti Kamala Leela Manisha Mina Nirmala Padma Pushpa Shanti Shobha Uma Vimala
    Gwyneth Beryl Mavis Edwina Rosalind Gwynne Nesta Olwen Hettie Lettie Dolly Nancy
    Jessie Marian Hazel Gordon Gregory Howard Hugh Hugo Humphrey Isaiah Ivan Jeff Jonah
    Josiah Jude Kenneth Kirk Lionel Luther Marcus Martyn Mervyn Nathaniel Nicky Noel Oswald
    Percy Perry Quentin Ralph Randolph Rhys Robbie Rodney Roland Rupert Russell Rufus Sebastian
    Seth Sheldon Silas Spencer Stefan Stewart Theodore Tristan Victor Vernon Wilfred Xavier
    Yosef Zak Zachariah Adele Alexis Annabel Antonia Ashleigh Bella Bianca Bonnie Bryony
    Cara Carrie Cassie Celia Clara Colette Cora Danni Delia Edie Elise Eloise Esme Fay Felicity
    Fran Gabriella Georgina Gina Greta Gwendoline Hattie Heidi Helena Henrietta Imogen India
    Ingrid Isobel Jacinda Janine Jemima Jenna Jocelyn Josie Karina Kayleigh Keeley Kelsey
    Kimberley Kristina Lara Leonie Lianne Lorna Lottie Lydia Lyndsey Madeleine Maisie Mari
    Marilyn Martina Maxine Mia Michaela Mollie Nadine Nell Nina Paige Pippa Rachael Rhona
    Rosalie Rosie Roxanne Sabrina Sadie Selina Serena Sheena Sonya Stella Tamsin Tanya Tara
    Tessa Thea Tilly Toni Una Vanessa Verity Vivienne Wanda Yasmine Zena Aled Bryn Cai
    """
)
"""First names matched on their own (capitalised, or all in capitals in a shouting comment)."""

AMBIGUOUS_FIRST_NAMES: frozenset[str] = _words(
    """
    Will May June April August Grace Hope Faith Joy Bill Mark Rose Ruby Amber Dawn Heather
    Holly Ivy Iris Daisy Poppy Violet Hazel Olive Pearl Crystal Jade Summer Autumn Sky
    Precious Blessing Patience Prudence Constance Charity Mercy Honor Destiny Frank Grant
    Pat Sue Rob Guy Ray Sandy Carol Robin Dean Dale Glen Miles Chase Drew Lance Cliff Gene
    Art Max Bob Nick Sally Sunny Don Eve Ed Al Jan Kit Ash Jay Rich Norman Christian
    Victoria Florence Georgia Chelsea Sydney Stanley Beverley Shirley Devon Chester Preston
    Lincoln Kent Jersey Austin Tyrone Warren Angel Penny Misty Reed Mo Di Bea Yaw Sue Lily
    Harley Hunter Mason Rowan Sage River Brook Forrest Wade Buddy Star Tiger Sonny Bunny
    Candy Ginger Melody Harmony Unity Trinity Liberty Happy Fairy Nana
    """
)
"""First names that are also everyday words, months or places: redacted only with context
(a title, "my name is", "thanks to", or beside another name)."""

SURNAMES: frozenset[str] = _words(
    """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
    Thompson Wright Walker White Edwards Hughes Green Lewis Harris Clarke Clark Patel Jackson
    Turner Martin Cooper Hill Morris Moore Lee King Baker Harrison Morgan Allen James Scott
    Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter
    Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson
    Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Grey
    Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd
    Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed
    Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox
    Ford Pearce Brooks Lawrence Cole Atkinson Bradley Spencer Gill Dawson Burton O'Brien
    Watts Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman
    Barrett Webster Hunter Gregory Carr Lowe Riley Dunn Woods Parsons Berry Reid Holland
    Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner
    Shah Dean Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd
    Ross Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis
    Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp
    Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson
    Rowe Burke Pritchard Gilbert Willis Higgins Read Miles Stevenson Stephenson Hammond
    Arnold Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead Mann Frost
    Lambert Stephens Blake Akhtar Lynch Goodwin Barton Woodward Thomson Cunningham Quinn
    Barnett Baxter Bibi Clayton Nash Greenwood Jennings Holt Kemp Poole Gallagher Bond
    Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley Jarvis
    Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas Knowles
    Hartley Miah Simmons Morton Alexander Morrison Norris Townsend Preston Hancock Thornton
    Baldwin Burrows Briggs Storey Pope Iqbal Rahman Hussein Mahmood Malik Chaudhry Choudhury
    Sharma Kumar Gupta Mistry Mehta Joshi Desai Chauhan Parmar Sandhu Sidhu Dhillon Bains
    Kowalski Nowak Wisniewski Wojcik Kaminski Lewandowski Okafor Okoro Adeyemi Mensah Owusu
    Boateng Asante Osei Campbell Grant Brown Thompson Clarke Francis Hinds Bailey McKenzie
    MacDonald MacLeod Fraser Mackay Macleod Sinclair Munro Gunn Duffy Docherty Quigley
    Gallacher Kerr Boyle Hughes Thornton Crossley Sykes Haigh Ibbotson Lumb Wainwright
    Pickering Whitaker Sutcliffe Greenhalgh Ramsden Holroyd Moorhouse Charlton Milburn
    Robson Armstrong Dodds Elliot Forster Heslop Hindmarsh Liddle Oxley Pattinson Tait
    """
)
"""Surnames: a capitalised word from this list right after a first name extends the name."""

TITLES: frozenset[str] = _words(
    "Mr Mrs Ms Mx Miss Dr Prof Professor Doctor Nurse Sister Matron Sir Dame Lady Lord Rev"
)
"""Titles that make the next capitalised word a name (lower-case ``nurse``/``doctor``/
``sister``/``matron`` count too)."""

PLACE_WORDS: frozenset[str] = _words(
    """
    Hospital Hospitals Ward Wards Unit Centre Center House Street St Road Rd Lane Avenue Ave
    Surgery Practice Infirmary Clinic Court Lodge Building Wing Suite Park Way Close Drive
    Medical Health Hospice Memorial Gardens Square Place Terrace Crescent Grove Block
    Theatre Theatres Department Trust School College University Bridge Station Hall Village
    Town City Estate Green Row Walk Mews Hill Unit Annexe Pavilion Tower Campus Foundation
    Institute Home Homes Care Nursing Community Primary Children's Women's Royal General
    District County Cottage Community Suite Room Rooms Lounge Bay Corridor Entrance Lab
    Laboratory Pharmacy Library Chapel Restaurant Cafe Café Shop Car Bus Hub Base Depot
    """
)
"""A capitalised word in this list right after a name makes the name part of a place
("Florence Ward", "James Cook University Hospital"): not redacted."""

PLACE_PHRASES: tuple[str, ...] = (
    "James Cook",
    "John Radcliffe",
    "Queen Elizabeth",
    "Queen Alexandra",
    "Queen Mary",
    "Queen Victoria",
    "King George",
    "King Edward",
    "Princess Royal",
    "Princess Alexandra",
    "Princess Anne",
    "Royal Victoria",
    "Victoria Infirmary",
    "Florence Nightingale",
    "Mary Seacole",
    "Charles Hastings",
    "Edith Cavell",
    "Alexandra Hospital",
    "William Harvey",
    "Christopher Rawlinson",
)
"""Hospital and building names that contain person names: never redacted as names."""

PLACE_BEFORE: frozenset[str] = _words("St St. Saint the The Queen King Prince Princess Royal")
"""A name right after one of these is part of a place or an institution ("St James's")."""

NOT_NAME_WORDS: frozenset[str] = _words(
    """
    I A An The And But Or So If Of In On At By To For From With Without Into Onto Up Down
    Out Off Over Under Again Then Than Too Very Really Just Also Only Even Still Yet Not No
    Nor Yes All Any Each Every Some Many Much More Most Less Least Few Both Either Neither
    One Two Three Four Five Six Seven Eight Nine Ten First Second Third Last Next Other
    Another Same Such Own He She It We They You Me Him Her Us Them My Your His Its Our Their
    Mine Yours Hers Ours Theirs This That These Those Who Whom Whose Which What When Where
    Why How Is Are Was Were Be Been Being Am Do Does Did Done Have Has Had Having Can Could
    Shall Should Would Must Might Ought Get Got Go Went Gone Come Came Make Made Take Took
    Give Gave See Saw Seen Say Said Tell Told Know Knew Think Thought Feel Felt Seem Want
    Need Needed Help Helped Thank Thanks Thankyou Please Sorry Hello Hi Dear Well Ok Okay
    Lovely Great Good Excellent Brilliant Amazing Fantastic Wonderful Superb Outstanding
    Kind Caring Friendly Helpful Polite Professional Nice Fab Fabulous Perfect Best Better
    Bad Poor Terrible Awful Rude Slow Quick Fast Long Short Late Early Busy Quiet Clean
    Dirty Happy Sad Angry Upset Worried Pleased Satisfied Disappointed Very Extremely
    Everyone Everybody Everything Nobody Nothing Someone Something Anyone Anything Staff
    Team Service Services Care Nurse Nurses Doctor Doctors Consultant Consultants Surgeon
    Registrar Physio Physiotherapist Paramedic Paramedics Crew Receptionist Receptionists
    Reception Midwife Midwives Sister Matron Practitioner Practitioners Specialist
    Specialists Assistant Assistants Associate Manager Managers Lead Led Support Worker
    Workers Healthcare Health Nursing Medical Mental Clinical Community District Ward Unit
    Hospital Clinic Surgery Practice Department Dept Emergency Ambulance Accident Urgent
    Outpatients Outpatient Inpatient Discharge Appointment Appointments Pharmacy Pharmacist
    Radiology Xray Scan Scans Blood Bloods Test Tests Results Letter Letters Phone Call Calls
    Email Text Message Online App Website Parking Car Food Tea Coffee Water Bed Beds Chair
    NHS GP GPs Covid Christmas Easter Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday January February March April May June July August September October November
    December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Morning Afternoon Evening Night
    Today Yesterday Tomorrow Week Weeks Month Months Year Years Day Days Hour Hours Minute
    Minutes Time Times Mum Dad Mother Father Son Daughter Husband Wife Partner Brother
    Sister Grandma Grandad Nan Gran Baby Child Children Family Friend Friends Patient
    Patients People Person Lady Man Woman Gentleman Girl Boy Guy Chap Everyone Overall
    Excellent Keep Carry Continue Thank Thanks Many Much Again Absolutely Definitely Always
    Never Sometimes Often Now Here There Yes Oh Wow Brilliant Superb Top Class Five Star
    Stars Ten Out Of Highly Recommend Recommended Would Could English Welsh Scottish Irish
    British Polish Asian African Caribbean Indian Pakistani Muslim Christian Jewish Hindu
    Sikh God Lord Jesus Royal General Infirmary Foundation Trust University Centre Center
    Team Teams Crisis Home Treatment Recovery Wellbeing Therapy Therapist Therapists
    Counsellor Counselling Psychologist Psychiatrist Social Worker Manager Director Chief
    Executive Officer Head Senior Junior Student Students Trainee Bank Agency Locum Duty
    Charge Staff Healthcare Assistant HCA Porter Porters Cleaner Cleaners Domestic Volunteer
    Volunteers Chaplain Security Admin Clerk Secretary Coordinator Liaison Advisor Adviser
    Officer Officers Dietitian Dietician Podiatrist Optician Dentist Dental Hygienist
    Health Visitor Visitors Practice Partner Partners Sir Madam Ma'am Mr Mrs Ms Miss Dr
    Who Why Whoever Whatever However Therefore Because Although Though While Whilst Since
    Until Till Unless Whether Despite During Before After Above Below Between Among Through
    Throughout Around About Against Along Across Behind Beside Beyond Near Upon Via Per
    Plus Minus Thru Pls Plz Thx Cheers Regards Kindest Kind Warm Best Wishes Yours Sincerely
    Faithfully Love Xx Xxx Lol Omg
    """
)
"""Capitalised words that are not names: they stop a name after a title or an introduction,
and are never taken as a surname."""

PERSON_NOUNS: frozenset[str] = _words(
    """
    lady man woman gentleman girl boy guy chap bloke fella fellow person someone somebody
    nurse doctor paramedic receptionist physio consultant midwife carer worker student
    porter sister brother son daughter husband wife partner friend mum dad mother father
    nan gran grandma grandad aunt uncle cousin niece nephew baby
    """
)
"""A person noun before "called" or "named" ("a lady called Pat") makes the next word a name
even when it is not in the lists."""
